import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { ensureNatsAuthFiles, type NatsAuthFiles, type NatsRole, type ServerTlsFiles } from '@sched/messaging';
import { startTestNats, type TestNats } from './nats';

/** A private nats-server running the generated per-role configuration (users, permissions, optionally TLS). */
export interface SecureTestNats {
  readonly nats: TestNats;
  readonly auth: NatsAuthFiles;
  /** The environment a service of this role runs with (its NATS user and password, plus `extra`). */
  envFor(role: NatsRole, extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  connectAs(role: NatsRole, options?: Partial<NodeConnectionOptions>): Promise<NatsConnection>;
  cleanup(): Promise<void>;
}

export async function startSecureTestNats(tls?: (dir: string) => ServerTlsFiles): Promise<SecureTestNats> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sched-nats-auth-'));
  const auth = ensureNatsAuthFiles(path.join(dir, 'auth'), tls?.(dir));
  const nats = await startTestNats(['-c', auth.configFile]);
  const connections: NatsConnection[] = [];
  return {
    nats,
    auth,
    envFor: (role, extra = {}) => ({ NATS_URL: nats.url, NATS_USER: auth.credentials[role].user, NATS_PASSWORD: auth.credentials[role].password, ...extra }),
    connectAs: async (role, options = {}) => {
      const { user, password } = auth.credentials[role];
      const nc = await connect({ servers: nats.url, user, pass: password, ...options });
      connections.push(nc);
      return nc;
    },
    cleanup: async () => {
      await Promise.all(connections.map((nc) => nc.close().catch(() => undefined)));
      await nats.cleanup();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
