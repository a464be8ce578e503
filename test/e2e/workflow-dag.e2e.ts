import { Subjects, type OverallStatsView, type TaskStatsView } from '@sched/contracts';
import { historyOf, trigger, typesOf, waitForEnd, waitForHistory } from '../support/executions';
import { startTestSystem, type TestSystem } from '../support/system';
import { createWorkflow, dataOf, runEvents, runSteps, shell, waitForRunEnd } from '../support/workflows';

/** Workflow runs end to end on the whole system (standalone): the process manager, the relay, executors. */
describe('workflow runs (e2e)', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(async () => {
    await system?.close();
  });

  it('a diamond DAG fans out and in, passing upstream results into configs; its execution succeeds', async () => {
    const taskId = await createWorkflow(system, {
        steps: [
          { id: 'fetch', executor: 'manual', config: { result: { count: 3, name: 'x' } } },
          { id: 'left', ...shell('echo left-$0'), dependsOn: ['fetch'] },
          { id: 'right', executor: 'manual', dependsOn: ['fetch'], config: { result: '${steps.fetch.result.count}' } },
          { id: 'join', executor: 'manual', dependsOn: ['left', 'right'], config: { result: { total: '${steps.right.result}', text: 'n=${steps.fetch.result.name}' } } },
        ],
    });
    const runId = await trigger(system, taskId);
    const events = await waitForRunEnd(system.store, runId);

    expect(runSteps(events).slice(0, 3)).toEqual(['WorkflowStarted', 'StepScheduled:fetch', 'StepSucceeded:fetch']);
    expect(runSteps(events).slice(3, 5).sort()).toEqual(['StepScheduled:left', 'StepScheduled:right']); // fan-out in one decision
    expect(events[3].position).toBe(events[4].position - 1);
    expect(runSteps(events).at(-2)).toBe('StepSucceeded:join');
    expect(events.at(-1)).toMatchObject({ type: 'WorkflowSucceeded', data: { succeeded: ['fetch', 'left', 'right', 'join'], skipped: [] } });
    expect(dataOf(events, 'StepSucceeded').find((step) => step.stepId === 'join')?.result).toEqual({ total: 3, text: 'n=x' });

    // Each step is an ordinary execution, linked to the run by correlation and causation ids.
    const join = await historyOf(system.store, `${runId}:join`);
    const scheduled = events.find((event) => event.type === 'StepScheduled' && (event.data as { stepId: string }).stepId === 'join')!;
    expect(join[0]).toMatchObject({ type: 'TaskDue', data: { taskId: `${taskId}:join`, workflowStep: { runId, stepId: 'join' } } });
    expect(join[0].metadata).toMatchObject({ correlationId: events[0].metadata.correlationId, causationId: scheduled.id });
    const parent = await waitForEnd(system.store, runId);
    expect(typesOf(parent)).toEqual(['TaskDue', 'TaskStarted', 'TaskSucceeded']);
  });

  it('refuses a cyclic workflow at create, naming the cycle, and appends nothing', async () => {
    const before = await system.store.headPosition();
    const reply = await system.request(Subjects.cmd.taskCreate, {
      name: 'cyclic',
      executor: 'workflow',
      config: { steps: [{ id: 'a', executor: 'noop', dependsOn: ['b'] }, { id: 'b', executor: 'noop', dependsOn: ['a'] }] },
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringContaining('dependency cycle: a → b → a') } });
    expect(await system.store.headPosition()).toBe(before);
  });

  it('failures under trigger rules (onFailure continue): all_success dependents never run, one_failed and all_done do', async () => {
    const taskId = await createWorkflow(system, {
        onFailure: 'continue',
        steps: [
          { id: 'ok', executor: 'noop' },
          { id: 'bad', ...shell('exit 3') },
          { id: 'after-bad', executor: 'noop', dependsOn: ['bad'] },
          { id: 'on-failure', executor: 'noop', dependsOn: ['bad'], triggerRule: 'one_failed' },
          { id: 'cleanup', executor: 'noop', dependsOn: ['ok', 'bad'], triggerRule: 'all_done' },
          { id: 'if-clean', executor: 'noop', dependsOn: ['ok', 'bad'], triggerRule: 'none_failed' },
          { id: 'any-ok', executor: 'noop', dependsOn: ['ok', 'bad'], triggerRule: 'one_success' },
        ],
    });
    const runId = await trigger(system, taskId);
    const events = await waitForRunEnd(system.store, runId);
    const skipped = Object.fromEntries(dataOf(events, 'StepSkipped').map((step) => [step.stepId, step.reason]));
    expect(skipped).toEqual({ 'after-bad': 'upstream_failed', 'if-clean': 'upstream_failed' });
    expect(dataOf(events, 'StepSucceeded').map((step) => step.stepId).sort()).toEqual(['any-ok', 'cleanup', 'ok', 'on-failure']);
    expect(dataOf(events, 'StepFailed')).toEqual([expect.objectContaining({ stepId: 'bad', error: expect.objectContaining({ type: 'CommandFailed' }) })]);
    expect(await historyOf(system.store, `${runId}:after-bad`)).toEqual([]); // never scheduled
    expect(events.at(-1)).toMatchObject({ type: 'WorkflowFailed', data: { failedSteps: ['bad'], stopped: false } });
    const parent = await waitForEnd(system.store, runId);
    expect(parent.at(-1)).toMatchObject({ type: 'TaskFailed', data: { final: true, error: { type: 'WorkflowFailed' } } });
  });

  it('stats of a step across runs (its <taskId>:<stepId>); the overall stats count a run once, not its steps', async () => {
    const overallNow = async () => {
      const reply = await system.request<OverallStatsView>(Subjects.query.stats, { minPosition: await system.store.headPosition() });
      if (!reply.ok) throw new Error(JSON.stringify(reply.error));
      return reply.result;
    };
    const before = await overallNow();
    const taskId = await createWorkflow(system, {
      onFailure: 'continue',
      steps: [{ id: 'fine', executor: 'noop' }, { id: 'broken', ...shell('exit 4') }, { id: 'after', executor: 'noop', dependsOn: ['fine'] }],
    });
    for (let run = 0; run < 2; run += 1) await waitForEnd(system.store, await trigger(system, taskId));

    const minPosition = await system.store.headPosition();
    const broken = await system.request<TaskStatsView>(Subjects.query.stats, { taskId: `${taskId}:broken`, minPosition });
    expect(broken).toMatchObject({ ok: true, result: { taskId: `${taskId}:broken`, total: 2, finished: 2, failed: 2, succeeded: 0, running: 0, successRate: 0 } });
    expect(broken.ok && Date.parse(broken.result.latestExecutionAt!)).toBeGreaterThan(0);
    const after = await system.request<TaskStatsView>(Subjects.query.stats, { taskId: `${taskId}:after`, minPosition });
    expect(after).toMatchObject({ ok: true, result: { total: 2, succeeded: 2, successRate: 1 } });
    const unknownStep = await system.request(Subjects.query.stats, { taskId: `${taskId}:nope`, minPosition });
    expect(unknownStep).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    // Two runs, both failed (a step failed): two executions, two failures, however many steps ran in them.
    const overall = await overallNow();
    expect(overall.total - before.total).toBe(2);
    expect(overall.failed - before.failed).toBe(2);
    expect(overall.succeeded - before.succeeded).toBe(0);
  });

  it('a step with a retry policy is retried as an ordinary execution, and the run goes on', async () => {
    const marker = `/tmp/sched-wf-retry-${process.pid}-${Date.now()}`;
    const taskId = await createWorkflow(system, {
        steps: [
          { id: 'flaky', ...shell(`if [ -f ${marker} ]; then echo second; else touch ${marker}; exit 1; fi`), retry: { maxAttempts: 3, initialInterval: '100ms' } },
          { id: 'next', executor: 'noop', dependsOn: ['flaky'] },
        ],
    });
    const runId = await trigger(system, taskId);
    const events = await waitForRunEnd(system.store, runId);
    expect(events.at(-1)?.type).toBe('WorkflowSucceeded');
    const flaky = typesOf(await historyOf(system.store, `${runId}:flaky`));
    expect(flaky).toEqual(['TaskDue', 'TaskStarted', 'TaskFailed', 'TaskRetried', 'TaskStarted', 'TaskSucceeded']);
    expect(runSteps(events)).toEqual(['WorkflowStarted', 'StepScheduled:flaky', 'StepSucceeded:flaky', 'StepScheduled:next', 'StepSucceeded:next', 'WorkflowSucceeded']);
  });

  it('cancelling the run cancels its running steps through the execution cancel path', async () => {
    const taskId = await createWorkflow(system, {
      steps: [{ id: 'long', executor: 'sleep', config: { duration: '30s', steps: 30 } }, { id: 'later', executor: 'noop', dependsOn: ['long'] }],
    });
    const runId = await trigger(system, taskId);
    await waitForHistory(system.store, `${runId}:long`, (events) => typesOf(events).includes('TaskStarted'), 10_000, 'started');
    const cancel = await system.request(Subjects.cmd.executionCancel, { executionId: runId, reason: 'not today' });
    expect(cancel).toMatchObject({ ok: true, result: { events: ['TaskCancelRequested'] } });

    const events = await waitForRunEnd(system.store, runId);
    expect(runSteps(events).slice(2)).toEqual(['WorkflowCancelRequested', 'StepSkipped:later', 'StepCancelled:long', 'WorkflowCancelled']);
    expect(typesOf(await historyOf(system.store, `${runId}:long`))).toEqual(expect.arrayContaining(['TaskCancelRequested', 'TaskCancelled']));
    const parent = await waitForEnd(system.store, runId);
    expect(typesOf(parent)).toEqual(['TaskDue', 'TaskStarted', 'TaskCancelRequested', 'TaskCancelled']);
    expect((await runEvents(system.store, runId)).length).toBe(events.length);
  });
});
