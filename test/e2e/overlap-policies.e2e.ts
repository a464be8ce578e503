import { Subjects, type ExecutionView, type RecordedEvent } from '@sched/contracts';
import { createTask, isExecutionEnd, trigger, waitForHistory } from '../support/executions';
import { startTestSystem, waitFor, type TestSystem } from '../support/system';

const ended = (events: RecordedEvent[]): boolean => events.some(isExecutionEnd);
const outcome = (events: RecordedEvent[]): string => events.find(isExecutionEnd)?.type ?? 'running';

/**
 * Overlap policies when the previous execution of a task still runs (maxConcurrent 1 by default with a policy).
 * The tests run side by side, each on a task of its own: most of their time is waiting for sleeps to end.
 */
describe('overlap policies', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(async () => {
    await system?.close();
  });

  it.concurrent('buffer-one: the first to find the task busy waits and runs after; a third arriving meanwhile is skipped', async () => {
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
    expect(view.ok && view.result).toMatchObject({ status: 'skipped', endReason: `task ${taskId} was at its limit of 1 running (overlap buffer-one) and one execution waiting already` });
    const stats = await system.request(Subjects.query.stats, { taskId, minPosition: await system.store.headPosition() });
    expect(stats).toMatchObject({ ok: true, result: { finished: 3, succeeded: 2, failed: 0, cancelled: 0, skipped: 1 } });
  });

  it.concurrent('cancel-other: a new execution cancels the running one (recorded on its stream) and then runs', async () => {
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

  const startedAt = (events: RecordedEvent[]): number | undefined => {
    const started = events.find((e) => e.type === 'TaskStarted');
    return started && Date.parse((started.data as { startedAt: string }).startedAt);
  };

  it.concurrent('buffer-one: the waiting execution gets the freed slot, not one arriving just as it frees', async () => {
    const taskId = await createTask(system, { name: 'buffer one, then a newcomer', executor: 'sleep', config: { duration: '1500ms', steps: 1 }, overlap: 'buffer-one' });
    const first = await trigger(system, taskId);
    await waitForHistory(system.store, first, (events) => events.some((e) => e.type === 'TaskStarted'), 5_000, 'started');
    const second = await trigger(system, taskId);
    await waitForHistory(system.store, first, ended, 10_000, 'the first to end');
    // Arrives fresh as the slot frees, while the waiting one comes back only every second or so.
    const third = await trigger(system, taskId);
    const [b, c] = await Promise.all([second, third].map((id) => waitForHistory(system.store, id, ended, 15_000, 'its end')));
    expect(outcome(b)).toBe('TaskSucceeded');
    // The newcomer is skipped (the waiting place was taken), or, if the waiter had started already, waits its turn.
    if (outcome(c) === 'TaskSkipped') expect(startedAt(c)).toBeUndefined();
    else expect(startedAt(c)).toBeGreaterThan(startedAt(b)!);
  });

  it.concurrent('cancel-other: the newest replaces the others; an older one waiting is skipped and never cancels its replacement', async () => {
    const taskId = await createTask(system, { name: 'cancel other, newest wins', executor: 'sleep', config: { duration: '20s', steps: 20 }, overlap: 'cancel-other' });
    const first = await trigger(system, taskId);
    await waitForHistory(system.store, first, (events) => events.some((e) => e.type === 'TaskStarted'), 5_000, 'started');
    const second = await trigger(system, taskId);
    await waitForHistory(system.store, first, (events) => events.some((e) => e.type === 'TaskCancelRequested'), 10_000, 'the cancel of the first');
    const third = await trigger(system, taskId);
    const running = await waitForHistory(system.store, third, (events) => events.some((e) => e.type === 'TaskStarted'), 10_000, 'the newest to start');
    const skipped = await waitForHistory(system.store, second, ended, 10_000, 'the second to end');
    expect(outcome(skipped)).toBe('TaskSkipped');
    expect(skipped.some((e) => e.type === 'TaskStarted')).toBe(false);
    // Two more seconds: the second came back (every second or so) and did not cancel the third.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const third2s = (await waitForHistory(system.store, third, () => true, 1_000, 'its history')).map((e) => e.type);
    expect(third2s.slice(0, running.length)).toEqual(running.map((e) => e.type));
    expect(third2s.filter((type) => type !== 'TaskProgressed')).toEqual(['TaskDue', 'TaskStarted']);
    expect((await system.request(Subjects.cmd.executionCancel, { executionId: third })).ok).toBe(true);
    await waitForHistory(system.store, third, ended, 10_000, 'the third to end');
  });

  const startsOf = async (taskId: string): Promise<RecordedEvent[]> => {
    const starts: RecordedEvent[] = [];
    for await (const event of system.store.readAll({ filter: { streamPrefixes: ['execution-'], eventTypes: ['TaskStarted'] } })) {
      if ((event.data as { taskId?: string }).taskId === taskId || event.streamId.startsWith(`execution-${taskId}@`)) starts.push(event);
    }
    return starts;
  };

  it.concurrent('cancel-other on a 1 s schedule of a longer job: the newest keeps replacing the running one, it never locks up', async () => {
    const taskId = await createTask(system, { name: 'cancel other every second', executor: 'sleep', config: { duration: '2500ms', steps: 5 }, overlap: 'cancel-other', maxRetries: 0, schedules: [{ type: 'interval', every: '1s' }] });
    // Each fire either replaces the running one or, finding the slot free, runs at once: about every other one starts.
    // Locked up, none would start after the first.
    await waitFor(async () => (await startsOf(taskId)).length >= 3, 15_000, 'three starts');
    expect((await system.request(Subjects.cmd.taskPause, { taskId })).ok).toBe(true);
    await system.request(Subjects.cmd.taskDelete, { taskId, cancelPending: true });
  });

  it.concurrent('buffer-one on a 1 s schedule: retries still get a slot beside the one waiting', async () => {
    const taskId = await createTask(system, { name: 'buffer one with retries', executor: 'command', config: { argv: ['sh', '-c', 'sleep 1; exit 1'] }, overlap: 'buffer-one', maxRetries: 1, retryInterval: '1s', schedules: [{ type: 'interval', every: '1s' }] });
    await waitFor(async () => (await startsOf(taskId)).find((event) => (event.data as { attempt: number }).attempt === 2), 15_000, 'a second attempt to start');
    await system.request(Subjects.cmd.taskDelete, { taskId, cancelPending: true });
  });
});
