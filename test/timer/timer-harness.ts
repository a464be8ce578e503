import { connect, type NatsConnection } from '@nats-io/transport-node';
import { toTaskStreamId, type RecordedEvent, type TaskDefinition, type TaskDue } from '@sched/contracts';
import { taskDecider } from '@sched/domain';
import { createJetStreamEventStore, handleCommand, type EventStore } from '@sched/event-store';
import { spawnApp, type AppProcess } from '../support/app-process';
import { startTestNats, type TestNats } from '../support/nats';

/** Real timer processes on a private nats-server, and the store to create tasks and inspect what they fired. */
export interface TimerHarness {
  readonly nats: TestNats;
  readonly nc: NatsConnection;
  readonly store: EventStore;
  startTimer(instanceId: string, env?: NodeJS.ProcessEnv): Promise<AppProcess>;
  createTask(taskId: string, definition: Partial<TaskDefinition>): Promise<void>;
  /** Every TaskDue in the log, with the events committed with it. */
  dues(): Promise<Array<{ due: RecordedEvent & { data: TaskDue['data'] }; commit: RecordedEvent[] }>>;
  close(): Promise<void>;
}

export async function startTimerHarness(): Promise<TimerHarness> {
  const nats = await startTestNats();
  const nc = await connect({ servers: nats.url });
  const store = await createJetStreamEventStore(nc);
  const timers: AppProcess[] = [];
  return {
    nats,
    nc,
    store,
    async startTimer(instanceId, env = {}) {
      const timer = spawnApp('timer', { NATS_URL: nats.url, INSTANCE_ID: instanceId, TIMER_PARTITIONS: '8', ...env }, instanceId);
      timers.push(timer);
      await timer.waitForOutput('sched-timer ready');
      return timer;
    },
    createTask: (taskId, definition) => createEverySecondTask(store, taskId, definition),
    async dues() {
      const byStream = new Map<string, RecordedEvent[]>();
      for await (const event of store.readAll({ filter: { streamPrefixes: ['execution-'] } })) {
        if (!byStream.has(event.streamId)) byStream.set(event.streamId, []);
        byStream.get(event.streamId)!.push(event);
      }
      return [...byStream.values()].map((events) => ({
        due: events[0] as RecordedEvent & { data: TaskDue['data'] },
        commit: events.filter((event) => Math.floor(event.position / 1000) === Math.floor(events[0].position / 1000)),
      }));
    },
    async close() {
      for (const timer of timers) await timer.kill9();
      await store.close();
      await nc.close();
      await nats.cleanup();
    },
  };
}

/** A task of a 1 s interval (unless `definition` says otherwise), created in `store` at `createdMs` (now). */
export async function createEverySecondTask(store: EventStore, taskId: string, definition: Partial<TaskDefinition> = {}, createdMs = Date.now()): Promise<void> {
  const full: TaskDefinition = {
    name: taskId,
    description: '',
    executor: 'noop',
    config: {},
    schedules: [{ type: 'interval', everyMs: 1000, offsetMs: 0 }],
    tags: [],
    ...definition,
  };
  const context = { correlationId: taskId, causationId: taskId, actor: 'test', nowMs: createdMs };
  await handleCommand(store, toTaskStreamId(taskId), taskDecider, { type: 'CreateTask', data: { taskId, definition: full, nowMs: createdMs } }, context);
}

/** The whole seconds in [fromMs, toMs]. */
export function secondsBetween(fromMs: number, toMs: number): number[] {
  const out: number[] = [];
  for (let s = Math.ceil(fromMs / 1000) * 1000; s <= toMs; s += 1000) out.push(s);
  return out;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
