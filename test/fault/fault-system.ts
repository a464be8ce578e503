import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { RecordedEvent, Reply } from '@sched/contracts';
import { createJetStreamEventStore, type EventStore } from '@sched/event-store';
import { spawnApp, type AppProcess } from '../support/app-process';
import { isExecutionEnd } from '../support/executions';
import { startTestNats, type TestNats } from '../support/nats';

export type ServiceName = 'gateway' | 'timer' | 'relay' | 'executor' | 'projector' | 'workflow';
export const ALL_SERVICES: readonly ServiceName[] = ['gateway', 'projector', 'timer', 'relay', 'executor'];

/** Every service as its own real process on a private nats-server, with a client connection and a store to check. */
export interface FaultSystem {
  readonly nats: TestNats;
  /** DATA_DIR of every process (the projector's SQLite file is in it). */
  readonly dataDir: string;
  readonly nc: NatsConnection;
  readonly store: EventStore;
  /** Starts one more process of a service (a fresh instance id) and waits for its ready line. */
  start(service: ServiceName): Promise<AppProcess>;
  /** The live processes of a service that are ready (one still starting is not yet a victim: its start would fail). */
  running(service: ServiceName): AppProcess[];
  /** Requests that requestUntilAnswered had to send again (no answer in time: an outage). */
  retries(): number;
  /**
   * A request retried with the same body (so the same commandId) until it gets a reply: what a careful client does
   * through an outage. Idempotency makes the retries safe.
   */
  requestUntilAnswered<T>(subject: string, payload: Record<string, unknown>, deadlineMs?: number): Promise<Reply<T>>;
  /** Every execution stream of the log, by execution id. */
  executions(): Promise<Map<string, RecordedEvent[]>>;
  close(): Promise<void>;
}

export async function startFaultSystem(services: readonly ServiceName[] = ALL_SERVICES, env: NodeJS.ProcessEnv = {}): Promise<FaultSystem> {
  const nats = await startTestNats();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sched-fault-'));
  const apps: Array<{ service: ServiceName; app: AppProcess; ready: boolean }> = [];
  let started = 0;
  let retried = 0;
  const start = async (service: ServiceName): Promise<AppProcess> => {
    started += 1;
    const instance = `${service}-${started}`;
    // An executor warms up with 50 no-op executions, not 2,000 (~0.4 s of CPU a start; the fault suites start and
    // restart ~30): the warm-up's own tests cover it.
    const app = spawnApp(service, { NATS_URL: nats.url, DATA_DIR: dataDir, INSTANCE_ID: instance, LOG_LEVEL: 'warn', HTTP_PORT: '0', TIMER_PARTITIONS: '4', EXECUTOR_PULL_WAIT_MS: '1000', EXECUTOR_WARMUP: '50', ...env }, instance);
    const entry = { service, app, ready: false };
    apps.push(entry);
    await app.waitForOutput(`sched-${service} ready`, 90_000);
    entry.ready = true;
    return app;
  };
  await Promise.all(services.map(start));
  const nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  const store = await createJetStreamEventStore(nc);
  const alive = (app: AppProcess): boolean => app.child.exitCode === null && app.child.signalCode === null;

  return {
    nats,
    dataDir,
    nc,
    store,
    start,
    retries: () => retried,
    running: (service) => apps.filter((entry) => entry.service === service && entry.ready && alive(entry.app)).map((entry) => entry.app),
    requestUntilAnswered: async <T>(subject: string, payload: Record<string, unknown>, deadlineMs = 30_000) => {
      const body = JSON.stringify(subject.startsWith('sched.cmd.') ? { commandId: randomUUID(), ...payload } : payload);
      const deadline = Date.now() + deadlineMs;
      for (;;) {
        try {
          return (await nc.request(subject, body, { timeout: 2_000 })).json<Reply<T>>();
        } catch (error) {
          retried += 1;
          if (Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    },
    executions: async () => {
      const byId = new Map<string, RecordedEvent[]>();
      for await (const event of store.readAll({ filter: { streamPrefixes: ['execution-'] } })) {
        const id = event.streamId.slice('execution-'.length);
        byId.set(id, [...(byId.get(id) ?? []), event]);
      }
      return byId;
    },
    close: async () => {
      await Promise.all(apps.map(({ app }) => app.kill9()));
      await store.close();
      await nc.close();
      await nats.cleanup();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** What went wrong across executions: more than one start of an attempt, more than one end, or no end. */
export function executionAnomalies(executions: Map<string, RecordedEvent[]>): { unfinished: string[]; duplicated: string[] } {
  const unfinished: string[] = [];
  const duplicated: string[] = [];
  for (const [id, events] of executions) {
    const attempts = events.filter((event) => event.type === 'TaskStarted').map((event) => (event.data as { attempt: number }).attempt);
    if (new Set(attempts).size !== attempts.length || events.filter(isExecutionEnd).length > 1) duplicated.push(id);
    if (!events.some(isExecutionEnd)) unfinished.push(id);
  }
  return { unfinished, duplicated };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
