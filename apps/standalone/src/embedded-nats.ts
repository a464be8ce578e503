import * as fs from 'node:fs';
import * as path from 'node:path';
import { AuthorizationError, connect } from '@nats-io/transport-node';
import { ConfigError, ensureNatsAuthFiles, spawnNatsServer, type NatsCredentials, type NatsServerHandle } from '@sched/messaging';

export interface NatsEndpoint {
  readonly url: string;
  /** Set when we started nats-server ourselves: stop it when we stop. */
  readonly embedded?: NatsServerHandle;
  /** The generated `standalone` user of the embedded server (its other roles' files are in `authDir`). */
  readonly credentials?: NatsCredentials;
  readonly authDir?: string;
}

async function answers(url: string): Promise<boolean> {
  try {
    const nc = await connect({ servers: url, timeout: 1_500, reconnect: false });
    await nc.close();
    return true;
  } catch (error) {
    // A server that wants credentials is a server: the caller's NATS_USER/NATS_PASSWORD (or others) apply.
    return error instanceof AuthorizationError;
  }
}

function onPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, binary);
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * NATS_AUTH: `off`, or `on` / unset / empty. Anything else is refused: `NATS_AUTH=false` or `0` left auth on without
 * a word, where whoever set it meant it off.
 */
export function natsAuthOff(value: string | undefined): boolean {
  if (value === undefined || value === '' || value === 'on') return false;
  if (value === 'off') return true;
  throw new ConfigError(`NATS_AUTH must be on or off (unset: on), got "${value}"`);
}

/**
 * `npm start` on a fresh machine: use the NATS at NATS_URL when one answers; otherwise start a local nats-server
 * with JetStream and its data under DATA_DIR/nats; otherwise say how to get one.
 */
export async function ensureNats(natsUrl: string, dataDir: string): Promise<NatsEndpoint> {
  const authOff = natsAuthOff(process.env.NATS_AUTH);
  if (await answers(natsUrl)) return { url: natsUrl };
  // A list of servers (a cluster) that does not answer is never one to start here: say so, as for a remote one.
  const url = natsUrl.includes(',') ? undefined : new URL(natsUrl.includes('://') ? natsUrl : `nats://${natsUrl}`);
  const local = url !== undefined && ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(url.hostname);
  if (!local || !onPath('nats-server')) {
    throw new ConfigError(
      `no NATS server answers at ${natsUrl}` +
        (local ? ' and nats-server is not on PATH' : '') +
        '. Start one with JetStream (`nats-server -js`; on Debian/Ubuntu `apt-get install nats-server`, ' +
        'or the binary from the NATS releases) or set NATS_URL to a server that has JetStream enabled.',
    );
  }
  const storeDir = path.join(dataDir, 'nats');
  fs.mkdirSync(storeDir, { recursive: true });
  // Users per role with subject permissions, unless NATS_AUTH=off (a throwaway local setup).
  const auth = authOff ? undefined : ensureNatsAuthFiles(path.join(dataDir, 'nats-auth'));
  const extraArgs = auth ? ['-c', auth.configFile] : [];
  const embedded = await spawnNatsServer({ host: '127.0.0.1', port: Number(url?.port || 4222), storeDir, extraArgs, detached: true });
  if (!auth) return { url: embedded.url, embedded };
  const { user, password } = auth.credentials.standalone;
  return { url: embedded.url, embedded, credentials: { user, password }, authDir: auth.dir };
}
