import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { spawnNatsServer, type NatsServerHandle } from '../../libs/messaging/src/nats-server-process';

export interface TestNats extends NatsServerHandle {
  /** Stops the server and deletes its store dir. */
  cleanup(): Promise<void>;
}

/**
 * A private nats-server for one test file: random free port and a fresh temp store dir, so test files can run in
 * parallel and never touch the shared server on 4222.
 */
export async function startTestNats(extraArgs: readonly string[] = []): Promise<TestNats> {
  const storeDir = await mkdtemp(path.join(os.tmpdir(), 'sched-nats-'));
  let server: NatsServerHandle;
  try {
    server = await spawnNatsServer({ storeDir, extraArgs });
  } catch (error) {
    await rm(storeDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: server.url,
    port: server.port,
    storeDir,
    get pid() {
      return server.pid; // a getter: the pid changes on restart
    },
    stop: () => server.stop(),
    kill: (signal) => server.kill(signal),
    restart: () => server.restart(),
    cleanup: async () => {
      await server.stop();
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}

/**
 * A private nats-server for the tests of the calling `describe` (started before them), and `connect()` for as many
 * plain connections to it as they need (each standing for a process of its own), all closed after them.
 */
export function useTestNatsConnections(): { readonly nats: TestNats; connect(): Promise<NatsConnection> } {
  const connections: NatsConnection[] = [];
  let nats: TestNats | undefined;
  beforeAll(async () => {
    nats = await startTestNats();
  });
  afterAll(async () => {
    await Promise.all(connections.map((nc) => nc.close()));
    await nats?.cleanup();
  });
  return {
    get nats() {
      return nats!;
    },
    connect: async () => {
      const nc = await connect({ servers: nats!.url });
      connections.push(nc);
      return nc;
    },
  };
}

/** A private nats-server and a plain connection to it, for the tests of the calling `describe` (started before them). */
export function useTestNats(): { readonly nats: TestNats; readonly nc: NatsConnection } {
  const servers = useTestNatsConnections();
  let nc: NatsConnection | undefined;
  beforeAll(async () => {
    nc = await servers.connect();
  });
  return {
    get nats() {
      return servers.nats;
    },
    get nc() {
      return nc!;
    },
  };
}
