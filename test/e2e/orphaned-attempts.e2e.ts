import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { toExecutionStreamId, type TaskDue } from '@sched/contracts';
import { executionDecider } from '@sched/domain';
import { DEFAULT_STREAM_NAME, LOG_DISPATCH_CONSUMER, commitSequenceOf, toEnvelopes } from '@sched/event-store';
import { WORKERS_BUCKET } from '@sched/messaging';
import { historyOf, typesOf, waitForEnd } from '../support/executions';
import { startTestSystem, waitFor, type TestSystem } from '../support/system';

const RETRY: TaskDue['data']['retry'] = { maxAttempts: 3, backoff: 'fixed', initialIntervalMs: 100, multiplier: 1, maxIntervalMs: 100, jitter: 0, nonRetryableErrorTypes: [] };

/**
 * An execution whose stream says a worker runs it, delivered for the first time: normally a duplicate publish (the
 * worker holds its own delivery, which comes back should it die). A history imported from another store holds such
 * attempts whose workers ran against that store and will never end them here: the worker registry tells which.
 */
describe('a running attempt delivered for the first time (an imported history)', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(async () => {
    await system?.close();
  });

  /** TaskDue and TaskStarted by `workerId` in one commit, as importing a history that was exported mid-attempt appends them. */
  async function runningOn(workerId: string): Promise<{ executionId: string; commitSeq: number }> {
    const executionId = `imported-${workerId}@${Date.now()}`;
    const nowMs = Date.now();
    const dueData: TaskDue['data'] = { taskId: 'imported', executionId, executor: 'noop', config: {}, scheduledAt: new Date(nowMs).toISOString(), reason: 'trigger', taskRevision: 0, retry: RETRY };
    const due = executionDecider.decide({ type: 'ScheduleExecution', data: dueData }, executionDecider.initialState());
    const state = due.reduce(executionDecider.evolve, executionDecider.initialState());
    const started = executionDecider.decide({ type: 'StartAttempt', data: { attempt: 1, workerId, nowMs } }, state);
    const envelopes = toEnvelopes([...due, ...started], { correlationId: executionId, causationId: 'import', actor: 'test', nowMs });
    const { position } = await system.store.append(toExecutionStreamId(executionId), envelopes, { expected: 'no_stream' });
    return { executionId, commitSeq: commitSequenceOf(position) };
  }

  it('whose worker never ran against this store: WorkerLost at once, retried and run here', async () => {
    const { executionId } = await runningOn('vm-of-the-old-cluster');
    const events = await waitForEnd(system.store, executionId);
    expect(typesOf(events)).toEqual(['TaskDue', 'TaskStarted', 'TaskFailed', 'TaskRetried', 'TaskStarted', 'TaskSucceeded']);
    expect(events[2].data).toMatchObject({
      attempt: 1,
      final: false,
      error: { type: 'WorkerLost', message: expect.stringContaining('worker vm-of-the-old-cluster is not running here'), retryable: true },
    });
    expect(events[4].data).toMatchObject({ attempt: 2, workerId: 'test' });
  });

  it('whose worker is alive (its registry entry fresh): the delivery is a duplicate, dropped; the attempt stays its own', async () => {
    const workers = await new Kvm(system.nc).open(WORKERS_BUCKET);
    await workers.put('alive-elsewhere', String(Date.now()));
    const { executionId, commitSeq } = await runningOn('alive-elsewhere');
    // Delivered and settled: the dispatch consumer's ack floor has passed its commit.
    const jsm = await jetstreamManager(system.nc);
    await waitFor(async () => (await jsm.consumers.info(DEFAULT_STREAM_NAME, LOG_DISPATCH_CONSUMER)).ack_floor.stream_seq >= commitSeq, 10_000, 'its delivery acked');
    expect(typesOf(await historyOf(system.store, executionId))).toEqual(['TaskDue', 'TaskStarted']);
  });
});
