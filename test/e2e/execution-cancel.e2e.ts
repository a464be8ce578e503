import { Subjects, type ExecutionCommandResult, type ExecutionView } from '@sched/contracts';
import { startTestSystem, type TestSystem } from '../support/system';
import { createTask, historyOf, trigger, typesOf, waitForEnd, waitForHistory } from '../support/executions';

/** `sched.cmd.execution.cancel` against due, running and finished executions. */
describe('cancelling executions', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(async () => {
    await system?.close();
  });

  const cancel = (executionId: string, extra: Record<string, unknown> = {}) =>
    system.request<ExecutionCommandResult>(Subjects.cmd.executionCancel, { executionId, reason: 'not needed', ...extra });
  const started = (executionId: string) =>
    waitForHistory(system.store, executionId, (events) => typesOf(events).includes('TaskStarted'), 5_000, 'TaskStarted');

  it('a running attempt is aborted and ends TaskCancelled', async () => {
    const taskId = await createTask(system, { executor: 'sleep', config: { duration: '20s', steps: 1 } });
    const executionId = await trigger(system, taskId);
    await started(executionId);
    const requestedAt = Date.now();
    expect(await cancel(executionId)).toMatchObject({ ok: true, result: { executionId, events: ['TaskCancelRequested'] } });
    const events = await waitForEnd(system.store, executionId, 5_000);
    expect(typesOf(events)).toEqual(['TaskDue', 'TaskStarted', 'TaskCancelRequested', 'TaskCancelled']);
    expect(events[3].data).toEqual({ attempt: 1, reason: 'not needed' });
    expect(Date.now() - requestedAt).toBeLessThan(2_000);
    const view = await system.request<ExecutionView>(Subjects.query.executionGet, { executionId, minPosition: events[3].position });
    expect(view.ok && view.result).toMatchObject({ status: 'cancelled', endReason: 'not needed' });
  });

  it('a due execution (waiting for a task slot) is cancelled at once, in one commit', async () => {
    const taskId = await createTask(system, { executor: 'sleep', config: { duration: '20s', steps: 1 }, maxConcurrent: 1 });
    const running = await trigger(system, taskId);
    await started(running);
    const waiting = await trigger(system, taskId);
    await waitForHistory(system.store, waiting, (events) => events.length > 0, 5_000, 'TaskDue');
    const reply = await cancel(waiting, { commandId: 'cancel-waiting' });
    expect(reply).toMatchObject({ ok: true, result: { events: ['TaskCancelRequested', 'TaskCancelled'] } });
    expect(typesOf(await historyOf(system.store, waiting))).toEqual(['TaskDue', 'TaskCancelRequested', 'TaskCancelled']);
    // The same command again gets the same reply and appends nothing.
    expect(await cancel(waiting, { commandId: 'cancel-waiting' })).toEqual(reply);
    expect(typesOf(await historyOf(system.store, waiting))).toEqual(['TaskDue', 'TaskCancelRequested', 'TaskCancelled']);
    expect(await cancel(running)).toMatchObject({ ok: true, result: { events: ['TaskCancelRequested'] } });
    await waitForEnd(system.store, running, 5_000);
  });

  it('cancelling a finished execution is INVALID_STATE and appends nothing', async () => {
    const taskId = await createTask(system, { executor: 'noop' });
    const executionId = await trigger(system, taskId);
    await waitForEnd(system.store, executionId);
    const before = await system.store.headPosition();
    expect(await cancel(executionId)).toMatchObject({ ok: false, error: { code: 'INVALID_STATE', message: expect.stringContaining('already succeeded') } });
    expect(await system.store.headPosition()).toBe(before);
  });

  it.each([
    ['an unknown execution', { executionId: 'no-such-execution' }, 'NOT_FOUND'],
    ['a missing execution id', {}, 'VALIDATION'],
    ['an execution id with a dot', { executionId: 'a.b' }, 'VALIDATION'],
    ['a reason of the wrong type', { executionId: 'x', reason: 3 }, 'VALIDATION'],
    ['unknown fields', { executionId: 'x', force: true }, 'VALIDATION'],
  ])('%s → %s', async (_what, payload, code) => {
    expect(await system.request(Subjects.cmd.executionCancel, payload)).toMatchObject({ ok: false, error: { code } });
  });

  it('a body that is not JSON → BAD_REQUEST', async () => {
    expect(await system.requestRaw(Subjects.cmd.executionCancel, '{nope')).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });
});
