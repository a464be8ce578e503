import { toExecutionStreamId, type RecordedEvent, type TaskDue } from '@sched/contracts';
import { executionDecider } from '@sched/domain';
import { toEnvelopes } from '@sched/event-store';
import type { AppProcess } from '../support/app-process';
import { ExecutionTracker } from '../support/execution-tracker';
import { startFaultSystem, type FaultSystem } from './fault-system';
import { waitFor } from '../support/wait-for';

const EXECUTIONS = 200;
const EXECUTORS = 3;
const KILLS = 4;
const FIRST_KILL_AFTER_MS = 1_500;
const KILL_EVERY_MS = 2_500;

/**
 * Real processes: a timer (it dispatches retries), a relay and three executors (concurrency 50) run 200 executions of a 2 s task; every few seconds
 * one executor is killed with SIGKILL (and a fresh one started). Every execution must end succeeded; each attempt
 * that was running in a killed process must be recorded as TaskFailed{WorkerLost} + TaskRetried.
 */
describe('executor crash recovery (kill -9)', () => {
  let system: FaultSystem;
  let tracker: ExecutionTracker;

  beforeAll(async () => {
    system = await startFaultSystem(['timer', 'relay', ...Array<'executor'>(EXECUTORS).fill('executor')], { EXECUTOR_CONCURRENCY: '50', WORK_ACK_WAIT_MS: '4000' });
    tracker = new ExecutionTracker(system.store);
  }, 90_000);

  afterAll(async () => {
    await tracker?.close();
    await system?.close();
  });

  async function scheduleExecution(i: number, scheduledAtMs: number): Promise<void> {
    const due: TaskDue['data'] = {
      taskId: 'crash-test',
      executionId: `crash-test@${scheduledAtMs + i}`,
      executor: 'sleep',
      config: { duration: '2s', steps: 2 },
      scheduledAt: new Date(scheduledAtMs + i).toISOString(),
      reason: 'schedule',
      taskRevision: 0,
      retry: { maxAttempts: 5, backoff: 'fixed', initialIntervalMs: 500, multiplier: 1, maxIntervalMs: 500, jitter: 0, nonRetryableErrorTypes: [] },
    };
    const events = executionDecider.decide({ type: 'ScheduleExecution', data: due }, executionDecider.initialState());
    const envelopes = toEnvelopes(events, { correlationId: due.executionId, causationId: due.executionId, actor: 'test', nowMs: Date.now() });
    await system.store.append(toExecutionStreamId(due.executionId), envelopes, { expected: 'no_stream' });
  }

  it('200 executions of a 2 s task: every one succeeds, 0 lost, WorkerLost + TaskRetried where a worker died', async () => {
    const startedAt = Date.now();
    await Promise.all(Array.from({ length: EXECUTIONS }, (_, i) => scheduleExecution(i, startedAt)));

    // Kill while the first wave runs, then every few seconds; replacements start in the background meanwhile.
    const replacements: Promise<AppProcess>[] = [];
    for (let kill = 0; kill < KILLS; kill += 1) {
      await new Promise((resolve) => setTimeout(resolve, kill === 0 ? FIRST_KILL_AFTER_MS : KILL_EVERY_MS));
      // The oldest ready one: a replacement still starting (a slow machine) is left to start.
      await (await waitFor(() => system.running('executor')[0], 90_000, 'a ready executor to kill')).kill9();
      replacements.push(system.start('executor'));
    }
    await Promise.all(replacements);

    await tracker.waitForEnded(EXECUTIONS, 75_000);
    const histories = [...tracker.histories.values()];
    const outcome = (events: RecordedEvent[]) => events.filter((event) => ['TaskSucceeded', 'TaskFailed', 'TaskCancelled'].includes(event.type) && (event.type !== 'TaskFailed' || (event.data as { final: boolean }).final));
    const succeeded = histories.filter((events) => outcome(events).length === 1 && outcome(events)[0].type === 'TaskSucceeded').length;
    const workerLost = tracker.count((event) => event.type === 'TaskFailed' && (event.data as { error: { type: string } }).error.type === 'WorkerLost');
    const otherFailures = tracker.count((event) => event.type === 'TaskFailed' && (event.data as { error: { type: string } }).error.type !== 'WorkerLost');
    const retried = tracker.count((event) => event.type === 'TaskRetried');
    const maxAttempt = Math.max(...histories.flat().filter((event) => event.type === 'TaskStarted').map((event) => (event.data as { attempt: number }).attempt));
    const numbers = { executions: EXECUTIONS, succeeded, lost: EXECUTIONS - succeeded, kills: KILLS, workerLost, retried, otherFailures, maxAttempt, seconds: (Date.now() - startedAt) / 1000 };
    console.log(`crash recovery: ${JSON.stringify(numbers)}`);

    expect(succeeded).toBe(EXECUTIONS);
    expect(workerLost).toBeGreaterThan(0); // the kills did hit running attempts
    expect(retried).toBe(workerLost);
    expect(otherFailures).toBe(0);
    for (const events of histories) {
      // Each WorkerLost failure is followed at once by its TaskRetried (one commit), and no attempt ran twice.
      events.forEach((event, i) => {
        if (event.type === 'TaskFailed') expect(events[i + 1]).toMatchObject({ type: 'TaskRetried', position: event.position + 1 });
      });
      const attempts = events.filter((event) => event.type === 'TaskStarted').map((event) => (event.data as { attempt: number }).attempt);
      expect(attempts).toEqual(attempts.map((_, i) => i + 1));
    }
  }, 150_000);
});
