import { Subjects, stepExecutionId, stepTaskId, type ResumeWorkflowResult } from '@sched/contracts';
import { createTask, trigger, waitForEnd } from '../support/executions';
import { startTestSystem, waitFor, type TestSystem } from '../support/system';
import { shell, waitForRunEnd } from '../support/workflows';

/**
 * Ids a user gives cannot be, or take, ids sched makes: `<taskId>@<instant>` (a scheduled occurrence), `<runId>:<step>`
 * (a workflow step), `<executionId>:notify` (a failure notice), or another task's execution. Before, a task named
 * `wf:load` mixed its stats with a workflow step's, a trigger could take another task's next occurrence (which then
 * never ran), and a step named `notify` swallowed the run's failure notice.
 */
describe('reserved ids (e2e)', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(async () => {
    await system?.close();
  });

  const issuePath = (path: string) => ({ ok: false, error: { code: 'VALIDATION', details: { issues: [expect.objectContaining({ path })] } } });

  it("a task id or a trigger's commandId holding ':' or '@' is VALIDATION, and appends nothing", async () => {
    const taskId = await createTask(system, { name: 'owner', executor: 'manual' });
    const before = await system.store.headPosition();
    for (const id of ['wf1:load', 'job@1700000000000']) {
      expect(await system.request(Subjects.cmd.taskCreate, { taskId: id, name: `named ${id}`, executor: 'noop' })).toMatchObject(issuePath('taskId'));
      expect(await system.request(Subjects.cmd.taskTrigger, { taskId, commandId: id })).toMatchObject(issuePath('commandId'));
    }
    const reply = await system.request(Subjects.cmd.taskCreate, { taskId: 'a:b', name: 'x', executor: 'noop' });
    expect(reply).toMatchObject({ ok: false, error: { message: expect.stringContaining('a task id must be 1-128 characters of A-Z a-z 0-9 _ - (":" and "@" separate') } });
    // A workflow resume's commandId is its new run's id: the same rule.
    const resume = await system.request(Subjects.cmd.workflowResume, { runId: 'some-run', commandId: `${taskId}@1700000000000` });
    expect(resume).toMatchObject(issuePath('commandId'));
    expect(await system.store.headPosition()).toBe(before);
  });

  it("a trigger whose commandId is another task's execution id is CONFLICT; the same task's is the same trigger", async () => {
    const first = await createTask(system, { name: 'first', executor: 'manual' });
    const second = await createTask(system, { name: 'second', executor: 'manual' });
    const shared = await trigger(system, first);
    await waitForEnd(system.store, shared);
    const before = await system.store.headPosition();
    const taken = await system.request(Subjects.cmd.taskTrigger, { taskId: second, commandId: shared });
    expect(taken).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringContaining(`execution ${shared} exists, of task ${first}`) } });
    expect(await system.store.headPosition()).toBe(before);
    // Acted once: answered with what the trigger appended then (its events carry the execution id as causation).
    const again = await system.request(Subjects.cmd.taskTrigger, { taskId: first, commandId: shared });
    expect(again).toMatchObject({ ok: true, result: { executionId: shared, events: ['TaskTriggered'] } });
    expect(await system.store.headPosition()).toBe(before);
  });

  it('a workflow step named notify is VALIDATION: <runId>:notify is the failure notice', async () => {
    const reply = await system.request(Subjects.cmd.taskCreate, {
      name: 'notify step',
      executor: 'workflow',
      config: { steps: [{ id: 'work', executor: 'noop' }, { id: 'notify', executor: 'noop', dependsOn: ['work'] }] },
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringContaining('step id "notify" is kept') } });
  });

  it('the longest ids sched makes (a scheduled run of a 128-character task id, its 64-character step) work in the store, on live subjects, in queries and commands', async () => {
    const taskId = 'L'.repeat(128);
    const stepId = 'S'.repeat(64);
    const atMs = Math.ceil((Date.now() + 1500) / 1000) * 1000;
    const runId = `${taskId}@${atMs}`;
    const stepExecution = stepExecutionId(runId, stepId);
    const stepTask = stepTaskId(taskId, stepId);
    expect(stepExecution.length).toBe(207);
    const live: string[] = [];
    const subscription = system.nc.subscribe(Subjects.evt.executionsOfTask(stepTask), { callback: (_error, message) => void live.push(message.subject) });
    await createTask(system, {
      taskId,
      executor: 'workflow',
      schedules: [{ type: 'once', at: new Date(atMs).toISOString() }],
      // A retry keeps a timer in KV under the step's execution id.
      config: { steps: [{ id: stepId, ...shell('exit 1'), retry: { maxAttempts: 2, initialInterval: '100ms' } }] },
    });
    await waitForRunEnd(system.store, runId, 30_000);
    await waitFor(() => live.some((subject) => subject.endsWith('.TaskFailed')), 10_000, 'the live TaskFailed of the step');
    subscription.unsubscribe();
    expect(live).toContain(Subjects.evt.execution(stepTask, stepExecution, 'TaskRetried'));

    const minPosition = await system.store.headPosition();
    expect(await system.request(Subjects.query.workflowGet, { runId, minPosition })).toMatchObject({ ok: true, result: { runId, status: 'failed' } });
    expect(await system.request(Subjects.query.executionGet, { executionId: stepExecution, minPosition })).toMatchObject({ ok: true, result: { executionId: stepExecution, status: 'failed', attempt: 2 } });
    expect(await system.request(Subjects.query.executionList, { taskId: stepTask, minPosition })).toMatchObject({ ok: true, result: { items: [{ executionId: stepExecution }] } });
    expect(await system.request(Subjects.query.history, { executionId: stepExecution })).toMatchObject({ ok: true });
    expect(await system.request(Subjects.cmd.executionCancel, { executionId: stepExecution })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    const resumed = await system.request<ResumeWorkflowResult>(Subjects.cmd.workflowResume, { runId });
    expect(resumed).toMatchObject({ ok: true, result: { resumedFrom: runId } });
    // Over the room the longest made id needs: still refused, naming the field.
    expect(await system.request(Subjects.query.executionGet, { executionId: 'x'.repeat(257) })).toMatchObject(issuePath('executionId'));
  });
});
