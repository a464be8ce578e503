import * as fs from 'node:fs';
import type { NodeConnectionOptions } from '@nats-io/transport-node';
import { credsAuthenticator } from '@nats-io/transport-node';
import { ConfigError } from '../config';

/**
 * How a process proves who it is to nats-server, read from the environment. Nothing set means no auth (the
 * development default, and what every test that does not test security runs with).
 */
export interface NatsCredentials {
  readonly user?: string;
  readonly password?: string;
  readonly token?: string;
  /** A `.creds` file (JWT + nkey seed) for operator/account mode servers. */
  readonly credsFile?: string;
  readonly tls?: {
    /** PEM of the CA that signed the server certificate (a self-signed or private CA). */
    readonly caFile?: string;
    /** Client certificate and key, when the server verifies clients. */
    readonly certFile?: string;
    readonly keyFile?: string;
  };
}

/** NATS_USER + NATS_PASSWORD, NATS_TOKEN or NATS_CREDS (one of them); NATS_TLS_CA / NATS_TLS_CERT / NATS_TLS_KEY. */
export function loadNatsCredentials(env: NodeJS.ProcessEnv = process.env): NatsCredentials {
  const set = (name: string): string | undefined => (env[name] ? env[name] : undefined);
  const user = set('NATS_USER');
  const password = set('NATS_PASSWORD');
  const token = set('NATS_TOKEN');
  const credsFile = set('NATS_CREDS');
  if ((user === undefined) !== (password === undefined)) throw new ConfigError('NATS_USER and NATS_PASSWORD must be set together');
  if ([user, token, credsFile].filter((value) => value !== undefined).length > 1) {
    throw new ConfigError('set only one of NATS_USER/NATS_PASSWORD, NATS_TOKEN and NATS_CREDS');
  }
  const caFile = set('NATS_TLS_CA');
  const certFile = set('NATS_TLS_CERT');
  const keyFile = set('NATS_TLS_KEY');
  if ((certFile === undefined) !== (keyFile === undefined)) throw new ConfigError('NATS_TLS_CERT and NATS_TLS_KEY must be set together');
  for (const [name, file] of [['NATS_CREDS', credsFile], ['NATS_TLS_CA', caFile], ['NATS_TLS_CERT', certFile], ['NATS_TLS_KEY', keyFile]]) {
    if (file !== undefined && !fs.existsSync(file)) throw new ConfigError(`${name} names a file that does not exist: ${file}`);
  }
  const tls = caFile || certFile ? { ...(caFile ? { caFile } : {}), ...(certFile ? { certFile, keyFile } : {}) } : undefined;
  return { ...(user ? { user, password } : {}), ...(token ? { token } : {}), ...(credsFile ? { credsFile } : {}), ...(tls ? { tls } : {}) };
}

/** The nats.js connection options for these credentials (spread into `connect` and Nest's NATS transport). */
export function natsCredentialOptions(credentials: NatsCredentials | undefined): Partial<NodeConnectionOptions> {
  if (!credentials) return {};
  return {
    ...(credentials.user ? { user: credentials.user, pass: credentials.password } : {}),
    ...(credentials.token ? { token: credentials.token } : {}),
    ...(credentials.credsFile ? { authenticator: credsAuthenticator(fs.readFileSync(credentials.credsFile)) } : {}),
    ...(credentials.tls ? { tls: { ...credentials.tls } } : {}),
  };
}
