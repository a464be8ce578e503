import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Reply } from '@sched/contracts';
import { createJetStreamEventStore, type EventStore } from '@sched/event-store';
import { loadConfig, type SchedConfig } from '@sched/messaging';
import { ExecutorWorkerService } from '../../apps/executor/src/executor-worker.service';
import { startStandalone } from '../../apps/standalone/src/standalone';
import { SchedClient } from '@sched/client';
import { httpClient } from './http';
import { startTestNats, type TestNats } from './nats';

export interface TestSystem {
  readonly nats: TestNats;
  readonly config: SchedConfig;
  readonly app: INestApplication;
  /** Base URL of the HTTP API and dashboard (e.g. `http://127.0.0.1:43123`), on a free port. */
  readonly httpUrl: string;
  /** A client connection of its own, as a user would have. */
  readonly nc: NatsConnection;
  /** A second view of the event store, to check what was appended. */
  readonly store: EventStore;
  request<T = unknown>(subject: string, payload: unknown): Promise<Reply<T>>;
  /** Sends bytes as they are (for not-JSON payloads). */
  requestRaw<T = unknown>(subject: string, body: string): Promise<Reply<T>>;
  /** Closes the app alone (idempotent: `close` then skips it), leaving nats-server and the test's connection up. */
  closeApp(): Promise<void>;
  /** After `closeApp`: the whole system started again on the same server and data (a restart); `close` closes it. */
  startAppAgain(): Promise<INestApplication>;
  close(): Promise<void>;
}

/**
 * The whole system (standalone: every service in one process) on a private nats-server with a temp data dir. Its
 * executor warms up with 50 no-op executions, not the default 2000 (~0.4 s a start, ~30 s over the suite); the
 * executor-thread e2e starts one with the default. Its pulls for work wait 1 s, not 2 s: closing the app waits for
 * the open one to run out (~1.2 s less a close, ~1 min over the suite).
 * Its executor runs on the main thread unless the env asks for the thread (`STANDALONE_EXECUTOR_THREAD: 'true'`,
 * the app's default): a thread loads the executor's code afresh, ~1.2 s a start, ~1.5 min over the suite. The
 * executor's code is the same on either; what the thread adds (its lifecycle, metrics and restarts across the
 * thread boundary) is covered by the suites that ask for it and by every spawned app (the fault tests).
 */
export async function startTestSystem(env: NodeJS.ProcessEnv = {}): Promise<TestSystem> {
  const nats = await startTestNats();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sched-data-'));
  const config = loadConfig({ NATS_URL: nats.url, DATA_DIR: dataDir, LOG_LEVEL: 'warn', INSTANCE_ID: 'test', HTTP_PORT: '0', EXECUTOR_WARMUP: '50', EXECUTOR_PULL_WAIT_MS: '1000', STANDALONE_EXECUTOR_THREAD: 'false', ...env });
  const app = await startStandalone(config, { shutdownHooks: false, logger: false });
  const nc = await connect({ servers: nats.url, name: 'test-client' });
  const store = await createJetStreamEventStore(nc);
  let appClosed: Promise<void> | undefined;
  const closeApp = (): Promise<void> => (appClosed ??= app.close());
  const restarts: INestApplication[] = [];
  const startAppAgain = async (): Promise<INestApplication> => {
    const again = await startStandalone(config, { shutdownHooks: false, logger: false });
    restarts.push(again);
    return again;
  };
  const requestRaw = async <T>(subject: string, body: string): Promise<Reply<T>> =>
    (await nc.request(subject, body, { timeout: 10_000 })).json<Reply<T>>();
  return {
    nats,
    config,
    app,
    httpUrl: (await app.getUrl()).replace('[::1]', '127.0.0.1'),
    nc,
    store,
    requestRaw,
    request: (subject, payload) => requestRaw(subject, JSON.stringify(payload)),
    closeApp,
    startAppAgain,
    close: async () => {
      await store.close();
      await nc.close();
      // The whole system goes: its executors need not let their open pulls run out (~1.1 s a close), nor give what
      // still runs its shutdown grace (up to 5 s).
      if (!config.standaloneExecutorThread) for (const each of [app, ...restarts]) each.get(ExecutorWorkerService, { strict: false }).abandonForTeardown();
      for (const again of restarts) await again.close();
      await closeApp();
      await nats.cleanup();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export { waitFor } from './wait-for';

/** The whole system, started before the tests of the calling `describe` and closed after. */
export function useSystem(env: NodeJS.ProcessEnv = {}): { readonly system: TestSystem } {
  const context = {} as { system: TestSystem };
  beforeAll(async () => {
    context.system = await startTestSystem(env);
  });
  afterAll(async () => {
    await context.system?.close();
  });
  return context;
}

/** The whole system and a typed client on it, started before the tests of the calling `describe` and closed after. */
export function useSystemWithClient(): { readonly system: TestSystem; readonly client: SchedClient } {
  const context = {} as { system: TestSystem; client: SchedClient };
  beforeAll(async () => {
    context.system = await startTestSystem();
    context.client = await SchedClient.connect(context.system.nats.url, { timeoutMs: 5000 });
  });
  afterAll(async () => {
    await context.client?.close();
    await context.system?.close();
  });
  return context;
}

/** The whole system and an HTTP client on its gateway, started before the tests of the calling `describe`. */
export function useSystemWithHttp(): { readonly system: TestSystem; readonly http: ReturnType<typeof httpClient> } {
  const context = {} as { system: TestSystem; http: ReturnType<typeof httpClient> };
  beforeAll(async () => {
    context.system = await startTestSystem();
    context.http = httpClient(context.system.httpUrl);
  });
  afterAll(async () => {
    await context.system?.close();
  });
  return context;
}
