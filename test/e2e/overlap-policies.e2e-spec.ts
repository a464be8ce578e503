import { Subjects, type ExecutionView, type RecordedEvent } from '@sched/contracts';
import { createTask, isExecutionEnd, trigger, waitForHistory } from '../support/executions';
import { startTestSystem, type TestSystem } from '../support/system';

const ended = (events: RecordedEvent[]): boolean => events.some(isExecutionEnd);
const outcome = (events: RecordedEvent[]): string => events.find(isExecutionEnd)?.type ?? 'running';

/** Overlap policies when the previous execution of a task still runs (maxConcurrent 1 by default with a policy). */
describe('overlap policies', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(async () => {
    await system?.close();
  });

  it('buffer-one: the first to find the task busy waits and runs after; a third arriving meanwhile is skipped', async () => {
    const taskId = await createTask(system, { name: 'buffer one', executor: 'sleep', config: { duration: '1500ms', steps: 1 }, overlap: 'buffer-one' });
    const first = await trigger(system, taskId);
    await waitForHistory(system.store, first, (events) => events.some((e) => e.type === 'TaskStarted'), 5_000, 'started');
    const second = await trigger(system, taskId);
    await new Promise((resolve) => setTimeout(resolve, 400)); // the second is waiting now
    const third = await trigger(system, taskId);
    const [a, b, c] = await Promise.all(
      [first, second, third].map((id) => waitForHistory(system.store, id, ended, 15_000, 'its end')),
    );
    expect([outcome(a), outcome(b), outcome(c)]).toEqual(['TaskSucceeded', 'TaskSucceeded', 'TaskSkipped']);
    const firstEnd = Date.parse((a.find((e) => e.type === 'TaskSucceeded')!.data as { endedAt: string }).endedAt);
    const secondStart = Date.parse((b.find((e) => e.type === 'TaskStarted')!.data as { startedAt: string }).startedAt);
    expect(secondStart).toBeGreaterThanOrEqual(firstEnd - 5);
    // The read model says why the third was skipped.
    const view = await system.request<ExecutionView>(Subjects.query.executionGet, { executionId: third, minPosition: await system.store.headPosition() });
    expect(view.ok && view.result).toMatchObject({ status: 'skipped', endReason: `task ${taskId} was at its limit of 1 running (overlap buffer-one)` });
    const stats = await system.request(Subjects.query.stats, { taskId, minPosition: await system.store.headPosition() });
    expect(stats).toMatchObject({ ok: true, result: { finished: 3, succeeded: 2, failed: 0, cancelled: 0, skipped: 1 } });
  });

  it('cancel-other: a new execution cancels the running one (recorded on its stream) and then runs', async () => {
    const taskId = await createTask(system, { name: 'cancel other', executor: 'sleep', config: { duration: '20s', steps: 20 }, overlap: 'cancel-other' });
    const first = await trigger(system, taskId);
    await waitForHistory(system.store, first, (events) => events.some((e) => e.type === 'TaskStarted'), 5_000, 'started');
    const second = await trigger(system, taskId);
    const cancelled = await waitForHistory(system.store, first, ended, 10_000, 'cancelled');
    expect(cancelled.map((e) => e.type)).toEqual(expect.arrayContaining(['TaskCancelRequested', 'TaskCancelled']));
    expect((cancelled.find((e) => e.type === 'TaskCancelRequested')!.data as { reason: string }).reason).toContain(second);
    // The replacement itself would run 20 s: it is enough that it started after the first one ended.
    const started = await waitForHistory(system.store, second, (events) => events.some((e) => e.type === 'TaskStarted'), 10_000, 'started');
    expect(started[0].type).toBe('TaskDue');
  });
});
