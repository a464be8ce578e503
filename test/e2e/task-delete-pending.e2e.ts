import { Subjects } from '@sched/contracts';
import { createTask, historyOf, trigger, waitForEnd, waitForHistory } from '../support/executions';
import { useSystemWithSchedctl } from '../support/schedctl-cli';

/**
 * A deleted task's executions not over yet still run (as a deleted Temporal schedule's workflows do), unless the
 * delete asks to cancel them: `task.delete {cancelPending}` (`schedctl task delete --cancel-pending`, HTTP
 * `DELETE /api/tasks/{id}?cancelPending=true`).
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

  it("over HTTP too; the cancels carry the delete's correlation id, and a retried delete finds nothing left", async () => {
    const taskId = await createTask(context.system, { name: 'busy-http', executor: 'sleep', config: { duration: '20s' }, maxConcurrent: 1, overlap: 'queue' });
    const running = await trigger(context.system, taskId);
    await waitForHistory(context.system.store, running, (events) => events.some((event) => event.type === 'TaskStarted'), 10_000, 'started');
    const queued = await trigger(context.system, taskId);
    await waitForHistory(context.system.store, queued, (events) => events.length > 0, 10_000, 'due');

    const response = await fetch(`${context.system.httpUrl}/api/tasks/${taskId}?cancelPending=true`, {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ commandId: 'delete-busy-http', correlationId: 'retire-busy-http' }),
    });
    expect(response.status).toBe(200);
    const { result: reply } = (await response.json()) as { result: { events: string[]; cancelled: string[] } };
    expect(reply.events).toEqual(['TaskDeleted']);
    expect([...reply.cancelled].sort()).toEqual([running, queued].sort());
    for (const executionId of [running, queued]) {
      const events = await waitForEnd(context.system.store, executionId);
      expect(events.at(-1)).toMatchObject({ type: 'TaskCancelled', data: { reason: 'task deleted' } });
      expect((await historyOf(context.system.store, executionId)).filter((event) => event.type.startsWith('TaskCancel')).map((event) => event.metadata.correlationId)).toContain('retire-busy-http');
    }
    // The same command again is answered from the reply it stored; another delete cancelling what is left is no
    // change on the deleted task (a retry after the first stopped halfway), and finds nothing left.
    const retried = await context.system.request(Subjects.cmd.taskDelete, { taskId, commandId: 'delete-busy-http', correlationId: 'retire-busy-http', cancelPending: true });
    expect(retried).toMatchObject({ ok: true, result: { events: ['TaskDeleted'], cancelled: reply.cancelled } });
    const again = await context.system.request(Subjects.cmd.taskDelete, { taskId, cancelPending: true });
    expect(again).toMatchObject({ ok: true, result: { taskId, events: [], cancelled: [] } });
    expect(await context.system.request(Subjects.cmd.taskDelete, { taskId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const bad = await context.system.request(Subjects.cmd.taskDelete, { taskId, cancelPending: 'yes' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { issues: [expect.objectContaining({ path: 'cancelPending' })] } } });
  });
});
