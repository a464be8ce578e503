import type { ExecutionCommandResult, Page, TaskCommandResult, TriggerTaskResult, WorkflowRunView } from '@sched/contracts';
import { waitForHistory } from '../support/executions';
import { resultOf } from '../support/http';
import { useSystemWithHttp, waitFor } from '../support/system';

/** Workflow runs over HTTP: the same NATS queries and commands, through the gateway. */
describe('workflow routes of the HTTP API', () => {
  const context = useSystemWithHttp();

  it('lists and gets a run, and refuses to resume a run that succeeded', async () => {
    const { taskId } = resultOf(
      await context.http.post<TaskCommandResult>('/api/tasks', {
        name: 'http workflow',
        executor: 'workflow',
        config: { steps: [{ id: 'a', executor: 'noop' }, { id: 'b', executor: 'noop', dependsOn: ['a'] }] },
      }),
    );
    const { executionId: runId } = resultOf(await context.http.post<TriggerTaskResult>(`/api/tasks/${taskId}/trigger`, {}));
    const run = await waitFor(async () => {
      const reply = await context.http.get<WorkflowRunView>(`/api/workflows/${encodeURIComponent(runId)}`);
      return reply.body.ok && reply.body.result.status === 'succeeded' && reply.body.result;
    }, 15_000, 'the run to succeed');
    expect(run.steps?.map((step) => [step.id, step.status])).toEqual([
      ['a', 'succeeded'],
      ['b', 'succeeded'],
    ]);
    const listed = resultOf(await context.http.get<Page<WorkflowRunView>>(`/api/workflows?taskId=${encodeURIComponent(taskId)}`));
    expect(listed.items.map((item) => item.runId)).toEqual([runId]);
    const resumed = await context.http.post(`/api/workflows/${encodeURIComponent(runId)}/resume`, {});
    expect(resumed.status).toBe(409);
    expect(resumed.body).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    expect((await context.http.get('/api/workflows/no-such-run')).status).toBe(404);
  });

  it('cancels a run, and answers NOT_FOUND (cancelling nothing) for an execution that is not a workflow run', async () => {
    const create = async (definition: Record<string, unknown>) => resultOf(await context.http.post<TaskCommandResult>('/api/tasks', definition)).taskId;
    const triggered = async (taskId: string) => resultOf(await context.http.post<TriggerTaskResult>(`/api/tasks/${taskId}/trigger`, {})).executionId;
    const sleeper = await triggered(await create({ name: 'http plain sleep', executor: 'sleep', config: { duration: '10s', steps: 1 } }));
    // The sleeper's own start is appended concurrently: once it is in, nothing else is until its 10 s step ends.
    await waitForHistory(context.system.store, sleeper, (events) => events.some((event) => event.type === 'TaskStarted'), 10_000, 'the sleeper started');
    const before = await context.system.store.headPosition();
    const refused = await context.http.post(`/api/workflows/${encodeURIComponent(sleeper)}/cancel`, {});
    expect(refused.status).toBe(404);
    expect(refused.body).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: `Run ${sleeper} not found` } });
    expect(await context.system.store.headPosition()).toBe(before);

    const runId = await triggered(await create({ name: 'http workflow to cancel', executor: 'workflow', config: { steps: [{ id: 'wait', executor: 'sleep', config: { duration: '10s', steps: 1 } }] } }));
    await waitForHistory(context.system.store, `${runId}:wait`, (events) => events.some((event) => event.type === 'TaskStarted'), 10_000, 'the step started');
    const cancelled = resultOf(await context.http.post<ExecutionCommandResult>(`/api/workflows/${encodeURIComponent(runId)}/cancel`, { reason: 'not needed' }));
    expect(cancelled).toMatchObject({ executionId: runId, events: ['TaskCancelRequested'] });
    await waitFor(async () => {
      const reply = await context.http.get<WorkflowRunView>(`/api/workflows/${encodeURIComponent(runId)}`);
      return reply.body.ok && reply.body.result.status === 'cancelled';
    }, 15_000, 'the run to be cancelled');
    await context.http.post(`/api/executions/${encodeURIComponent(sleeper)}/cancel`, {});
  });
});
