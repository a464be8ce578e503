import { createTask, trigger, waitForEnd, waitForHistory } from '../support/executions';
import { useSystemWithSchedctl } from '../support/schedctl-cli';

// commander 15 is ESM-only: load it through SWC (as test/e2e/schedctl.e2e-spec.ts does).
jest.mock('commander', () => jest.requireActual<typeof import('../support/esm-package')>('../support/esm-package').requireEsmPackage('commander'));

/**
 * A deleted task's executions not over yet still run (as a deleted Temporal schedule's workflows do), unless the
 * delete asks to cancel them: `schedctl task delete --cancel-pending`.
 */
describe('task delete --cancel-pending (e2e)', () => {
  const context = useSystemWithSchedctl();
  const { schedctl } = context;

  it('cancels the running execution and the queued ones; none of them starts after', async () => {
    const taskId = await createTask(context.system, { name: 'busy', executor: 'sleep', config: { duration: '20s' }, maxConcurrent: 1, overlap: 'queue' });
    const running = await trigger(context.system, taskId);
    await waitForHistory(context.system.store, running, (events) => events.some((event) => event.type === 'TaskStarted'), 10_000, 'started');
    const queued = [await trigger(context.system, taskId), await trigger(context.system, taskId)];
    for (const executionId of queued) await waitForHistory(context.system.store, executionId, (events) => events.length > 0, 10_000, 'due');

    const deleted = await schedctl('--json', 'task', 'delete', 'busy', '--cancel-pending');
    expect(deleted.code).toBe(0);
    const reply = JSON.parse(deleted.out) as { events: string[]; cancelled: string[] };
    expect(reply.events).toEqual(['TaskDeleted']);
    expect([...reply.cancelled].sort()).toEqual([running, ...queued].sort());
    for (const executionId of [running, ...queued]) {
      const events = await waitForEnd(context.system.store, executionId);
      expect(events.at(-1)).toMatchObject({ type: 'TaskCancelled' });
    }
    // The queued ones never started.
    for (const executionId of queued) {
      expect((await waitForEnd(context.system.store, executionId)).some((event) => event.type === 'TaskStarted')).toBe(false);
    }
  });
});
