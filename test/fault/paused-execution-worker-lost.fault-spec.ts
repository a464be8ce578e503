import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { toExecutionStreamId, type RecordedEvent, type TaskDue, type TaskStarted } from '@sched/contracts';
import { executionDecider, type ExecutionCommand } from '@sched/domain';
import { createJetStreamEventStore, handleCommand, toEnvelopes, type EventStore } from '@sched/event-store';
import { spawnApp, type AppProcess } from '../support/app-process';
import { startTestNats, type TestNats } from '../support/nats';
import { startRetryWorkPublisher, type RetryWorkPublisher } from '../support/retry-work-publisher';
import { waitFor } from '../support/system';

const EXECUTION_ID = 'paused-lost@1';

/**
 * Real processes: a relay and two executors. An `example` execution is paused mid-run; the executor holding it is
 * killed with SIGKILL. After the work queue's ack wait the other executor gets the item back and records the paused
 * attempt as lost (TaskFailed{WorkerLost}, not final, no retry: the execution stays paused). Resume then starts a
 * new attempt (ExecutionResumed + TaskRetried in one commit), which the surviving executor runs to success.
 */
describe('resume of a paused execution whose worker is gone', () => {
  let nats: TestNats;
  let dataDir: string;
  let nc: NatsConnection;
  let store: EventStore;
  let retries: RetryWorkPublisher;
  const executors = new Map<string, AppProcess>();
  const apps: AppProcess[] = [];

  const env = (instance: string) => ({ NATS_URL: nats.url, DATA_DIR: dataDir, INSTANCE_ID: instance, LOG_LEVEL: 'warn' });
  const history = (): Promise<RecordedEvent[]> => store.read(toExecutionStreamId(EXECUTION_ID));
  const until = (what: string, done: (events: RecordedEvent[]) => boolean, timeoutMs: number) =>
    waitFor(async () => {
      const events = await history();
      return done(events) ? events : undefined;
    }, timeoutMs, what);
  const command = (cmd: ExecutionCommand) =>
    handleCommand(store, toExecutionStreamId(EXECUTION_ID), executionDecider, cmd, { correlationId: 'c', causationId: 'c', actor: 'test', nowMs: Date.now() });

  beforeAll(async () => {
    nats = await startTestNats();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sched-fault-'));
    const relay = spawnApp('relay', env('relay'));
    apps.push(relay);
    for (const instance of ['exec-a', 'exec-b']) {
      const executor = spawnApp('executor', env(instance), instance);
      executors.set(instance, executor);
      apps.push(executor);
    }
    await Promise.all(apps.map((app) => app.waitForOutput(/sched-(relay|executor) ready/, 60_000)));
    nc = await connect({ servers: nats.url });
    store = await createJetStreamEventStore(nc);
    retries = startRetryWorkPublisher(store, nc);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.kill9()));
    await retries?.close();
    await store?.close();
    await nc?.close();
    await nats?.cleanup();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('the lost paused attempt is recorded, and resume runs a new attempt on the surviving executor', async () => {
    const due: TaskDue['data'] = {
      taskId: 'paused-lost',
      executionId: EXECUTION_ID,
      executor: 'example',
      config: { duration: '2s', steps: 20 },
      scheduledAt: new Date().toISOString(),
      reason: 'trigger',
      taskRevision: 0,
    };
    const events = executionDecider.decide({ type: 'ScheduleExecution', data: due }, executionDecider.initialState());
    await store.append(toExecutionStreamId(EXECUTION_ID), toEnvelopes(events, { correlationId: 'c', causationId: 'c', actor: 'test', nowMs: Date.now() }), { expected: 'no_stream' });
    const started = await until('the first progress', (e) => e.some((event) => event.type === 'TaskProgressed'), 15_000);
    const holder = (started.find((event) => event.type === 'TaskStarted')!.data as TaskStarted['data']).workerId;

    await command({ type: 'RequestPause', data: { executionId: EXECUTION_ID } });
    await until('ExecutionPaused', (e) => e.some((event) => event.type === 'ExecutionPaused'), 5_000);
    await executors.get(holder)!.kill9();

    // The surviving executor gets the item back after the ack wait (30 s) and records the paused attempt as lost.
    const lost = await until('WorkerLost', (e) => e.some((event) => event.type === 'TaskFailed'), 45_000);
    expect(lost.at(-1)).toMatchObject({ type: 'TaskFailed', data: { attempt: 1, final: false, error: { type: 'WorkerLost' } } });
    expect(lost.map((event) => event.type)).not.toContain('TaskRetried');

    const resumed = await command({ type: 'RequestResume', data: { executionId: EXECUTION_ID, nowMs: Date.now() } });
    expect(resumed.appended.map((event) => event.type)).toEqual(['ExecutionResumed', 'TaskRetried']);
    const done = await until('the new attempt succeeds', (e) => e.some((event) => event.type === 'TaskSucceeded'), 15_000);
    const second = done.find((event) => event.type === 'TaskStarted' && (event.data as TaskStarted['data']).attempt === 2)!;
    expect((second.data as TaskStarted['data']).workerId).not.toBe(holder);
    expect(done.at(-1)).toMatchObject({ type: 'TaskSucceeded', data: { attempt: 2 } });
  }, 90_000);
});
