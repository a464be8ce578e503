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

/** A private nats-server and a plain connection to it, for the tests of the calling `describe` (started before them). */
export function useTestNats(): { readonly nats: TestNats; readonly nc: NatsConnection } {
  const context = {} as { nats: TestNats; nc: NatsConnection };
  beforeAll(async () => {
    context.nats = await startTestNats();
    context.nc = await connect({ servers: context.nats.url });
  });
  afterAll(async () => {
    await context.nc?.close();
    await context.nats?.cleanup();
  });
  return context;
}
