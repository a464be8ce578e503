import type { Page, TaskCommandResult, TriggerTaskResult, WorkflowRunView } from '@sched/contracts';
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
});
