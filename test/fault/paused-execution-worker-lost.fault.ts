import { toExecutionStreamId, type RecordedEvent, type TaskDue, type TaskStarted } from '@sched/contracts';
import { executionDecider, type ExecutionCommand } from '@sched/domain';
import { handleCommand, toEnvelopes } from '@sched/event-store';
import { waitFor } from '../support/system';
import { startFaultSystem, type FaultSystem } from './fault-system';

const EXECUTION_ID = 'paused-lost@1';

/**
 * Real processes: a timer (it dispatches retries), a relay and two executors. An `example` execution is paused mid-run; the executor holding it is
 * killed with SIGKILL. After the work queue's ack wait the other executor gets the item back and records the paused
 * attempt as lost (TaskFailed{WorkerLost}, not final since its policy has attempts left, no retry yet: the execution
 * stays paused). Resume then starts a
 * new attempt (ExecutionResumed + TaskRetried in one commit), which the surviving executor runs to success.
 */
describe('resume of a paused execution whose worker is gone', () => {
  let system: FaultSystem;

  const history = (): Promise<RecordedEvent[]> => system.store.read(toExecutionStreamId(EXECUTION_ID));
  const until = (what: string, done: (events: RecordedEvent[]) => boolean, timeoutMs: number) =>
    waitFor(async () => {
      const events = await history();
      return done(events) ? events : undefined;
    }, timeoutMs, what);
  const command = (cmd: ExecutionCommand) =>
    handleCommand(system.store, toExecutionStreamId(EXECUTION_ID), executionDecider, cmd, { correlationId: 'c', causationId: 'c', actor: 'test', nowMs: Date.now() });

  beforeAll(async () => {
    // A 4 s ack wait (default 30 s): the lost worker's item comes back sooner, the test takes seconds less.
    system = await startFaultSystem(['timer', 'relay', 'executor', 'executor'], { WORK_ACK_WAIT_MS: '4000' });
  }, 90_000);

  afterAll(async () => {
    await system?.close();
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
      // Attempts left: a lost paused attempt then waits for the resume (with none left it ends the execution).
      retry: { maxAttempts: 3, backoff: 'fixed', initialIntervalMs: 100, multiplier: 1, maxIntervalMs: 100, jitter: 0, nonRetryableErrorTypes: [] },
    };
    const events = executionDecider.decide({ type: 'ScheduleExecution', data: due }, executionDecider.initialState());
    await system.store.append(toExecutionStreamId(EXECUTION_ID), toEnvelopes(events, { correlationId: 'c', causationId: 'c', actor: 'test', nowMs: Date.now() }), { expected: 'no_stream' });
    const started = await until('the first progress', (e) => e.some((event) => event.type === 'TaskProgressed'), 15_000);
    const holder = (started.find((event) => event.type === 'TaskStarted')!.data as TaskStarted['data']).workerId;

    await command({ type: 'RequestPause', data: { executionId: EXECUTION_ID } });
    await until('ExecutionPaused', (e) => e.some((event) => event.type === 'ExecutionPaused'), 5_000);
    // An executor's worker id is its instance id, which is also its process's name.
    await system.running('executor').find((app) => app.name === holder)!.kill9();

    // The surviving executor gets the item back after the ack wait (4 s here) and records the paused attempt as lost.
    const lost = await until('WorkerLost', (e) => e.some((event) => event.type === 'TaskFailed'), 20_000);
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
