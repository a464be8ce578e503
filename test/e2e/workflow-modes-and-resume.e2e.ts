import * as fs from 'node:fs';
import type { RecordedEvent } from '@sched/contracts';
import { Subjects, type ResumeWorkflowResult, type WorkflowRunView } from '@sched/contracts';
import { commitSequenceOf } from '@sched/event-store';
import { main } from '../../apps/schedctl/src/cli';
import { historyOf, trigger, typesOf, waitForEnd } from '../support/executions';
import { startTestSystem, type TestSystem } from '../support/system';
import { createWorkflow, dataOf, runEvents, runSteps, shell, waitForRunEnd } from '../support/workflows';
import { waitFor } from '../support/system';
import { WorkflowProcessManager } from '../../apps/workflow/src/workflow-process-manager.service';

/** Most steps running at once, replayed from the run's decisions. */
function maxRunning(events: readonly RecordedEvent[]): number {
  let running = 0;
  let max = 0;
  for (const event of events) {
    if (event.type === 'StepScheduled') max = Math.max(max, ++running);
    if (['StepSucceeded', 'StepFailed', 'StepCancelled'].includes(event.type)) running -= 1;
  }
  return max;
}

const sleepy = (id: string, duration = '300ms') => ({ id, executor: 'sleep', config: { duration, steps: 1 } });

describe('workflow modes, onFailure and resume (e2e)', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(async () => {
    await system?.close();
  });

  const ok = async <T>(subject: string, payload: unknown): Promise<T> => {
    const reply = await system.request<T>(subject, payload);
    if (!reply.ok) throw new Error(JSON.stringify(reply.error));
    return reply.result;
  };

  it('serial runs one step at a time; parallel up to maxParallel', async () => {
    const steps = [sleepy('a'), sleepy('b'), sleepy('c'), sleepy('d')];
    const serial = await trigger(system, await createWorkflow(system, { mode: 'serial', steps }));
    const parallel = await trigger(system, await createWorkflow(system, { mode: 'parallel', maxParallel: 2, steps }));
    const [serialEvents, parallelEvents] = await Promise.all([waitForRunEnd(system.store, serial), waitForRunEnd(system.store, parallel)]);
    expect(maxRunning(serialEvents)).toBe(1);
    expect(runSteps(serialEvents).filter((s) => s.startsWith('StepScheduled'))).toEqual(['a', 'b', 'c', 'd'].map((id) => `StepScheduled:${id}`));
    expect(maxRunning(parallelEvents)).toBe(2);
    expect(serialEvents.at(-1)?.type).toBe('WorkflowSucceeded');
    expect(parallelEvents.at(-1)?.type).toBe('WorkflowSucceeded');
  });

  it('onFailure stop: nothing new starts but failure handlers and clean-up, a step already running finishes and is recorded before the run fails', async () => {
    const runId = await trigger(system, await createWorkflow(system, {
      onFailure: 'stop',
      maxParallel: 2,
      steps: [
        { id: 'bad', ...shell('exit 1') },
        sleepy('slow', '1s'),
        sleepy('queued'),
        { id: 'after', executor: 'noop', dependsOn: ['slow'] },
        { id: 'alert', executor: 'noop', dependsOn: ['bad'], triggerRule: 'one_failed' },
        { id: 'cleanup', executor: 'noop', dependsOn: ['slow', 'queued'], triggerRule: 'all_done' },
      ],
    }));
    const events = await waitForRunEnd(system.store, runId);
    const order = runSteps(events);
    expect(order.indexOf('StepSkipped:queued')).toBeGreaterThan(order.indexOf('StepFailed:bad'));
    expect(order.indexOf('StepScheduled:alert')).toBeGreaterThan(order.indexOf('StepFailed:bad'));
    expect(order.indexOf('StepScheduled:cleanup')).toBeGreaterThan(order.indexOf('StepSucceeded:slow'));
    expect(order.slice(-2)).toEqual(['StepSucceeded:cleanup', 'WorkflowFailed']);
    expect(order).toContain('StepSucceeded:alert');
    expect(events.at(-1)).toMatchObject({ data: { failedSteps: ['bad'], stopped: true } });
    expect(Object.fromEntries(dataOf(events, 'StepSkipped').map((s) => [s.stepId, s.reason]))).toEqual({ queued: 'run_stopped', after: 'run_stopped' });
    expect(typesOf(await historyOf(system.store, `${runId}:slow`)).at(-1)).toBe('TaskSucceeded');
  });

  it('resume: a new run reuses the succeeded steps and their results, and runs the rest', async () => {
    const marker = `/tmp/sched-wf-resume-${process.pid}-${Date.now()}`;
    const taskId = await createWorkflow(system, {
      onFailure: 'continue',
      steps: [
        { id: 'extract', executor: 'manual', config: { result: { rows: 5 } } },
        { id: 'load', dependsOn: ['extract'], executor: 'command', config: { argv: ['sh', '-c', `[ -f ${marker} ] && echo loaded-$0`, 'rows=${steps.extract.result.rows}'] } },
        { id: 'report', executor: 'noop', dependsOn: ['load'] },
        { id: 'alert', executor: 'noop', dependsOn: ['load'], triggerRule: 'one_failed' },
      ],
    });
    const first = await trigger(system, taskId);
    const failed = await waitForRunEnd(system.store, first);
    expect(runSteps(failed).slice(-5)).toEqual(['StepFailed:load', 'StepSkipped:report', 'StepScheduled:alert', 'StepSucceeded:alert', 'WorkflowFailed']);
    await expect(ok(Subjects.cmd.workflowResume, { runId: 'no-such-run' })).rejects.toThrow(/NOT_FOUND/);

    fs.writeFileSync(marker, '');
    const resumed = await ok<ResumeWorkflowResult>(Subjects.cmd.workflowResume, { runId: first, commandId: `resume-${first}` });
    expect(await ok<ResumeWorkflowResult>(Subjects.cmd.workflowResume, { runId: first, commandId: `resume-${first}` })).toMatchObject({ runId: resumed.runId });
    // A run is resumed once: another resume (no commandId, or another one, even at once) answers with that run.
    const others = await Promise.all([
      ok<ResumeWorkflowResult>(Subjects.cmd.workflowResume, { runId: first }),
      ok<ResumeWorkflowResult>(Subjects.cmd.workflowResume, { runId: first, commandId: 'another-resume' }),
    ]);
    expect(others.map((other) => other.runId)).toEqual([resumed.runId, resumed.runId]);
    expect((await runEvents(system.store, first)).filter((event) => event.type === 'WorkflowResumed')).toEqual([
      expect.objectContaining({ data: { runId: resumed.runId } }),
    ]);
    expect(await historyOf(system.store, 'another-resume')).toEqual([]);
    const events = await waitForRunEnd(system.store, resumed.runId);
    fs.rmSync(marker, { force: true });

    expect(events[0]).toMatchObject({ type: 'WorkflowStarted', data: { resumedFrom: first } });
    expect(events[1]).toMatchObject({ type: 'StepSucceeded', data: { stepId: 'extract', reusedFrom: first, result: { rows: 5 }, executionId: `${first}:extract` } });
    expect(await historyOf(system.store, `${resumed.runId}:extract`)).toEqual([]); // not run again
    expect(dataOf(events, 'StepFailed')).toEqual([]);
    expect(dataOf(events, 'StepSucceeded').find((s) => s.stepId === 'load')?.result).toMatchObject({ stdout: 'loaded-rows=5\n' });
    expect(events.at(-1)?.type).toBe('WorkflowSucceeded');
    expect(typesOf(await waitForEnd(system.store, resumed.runId)).at(-1)).toBe('TaskSucceeded');
    await expect(ok(Subjects.cmd.workflowResume, { runId: resumed.runId })).rejects.toThrow(/INVALID_STATE/);

    // The read model: both runs of the task, the resumed one with its steps.
    const minPosition = await system.store.headPosition();
    const view = await ok<WorkflowRunView>(Subjects.query.workflowGet, { runId: resumed.runId, minPosition });
    // The alert that ran because load failed is decided again, not taken over: load succeeded this time.
    expect(view).toMatchObject({ status: 'succeeded', resumedFrom: first, counts: { succeeded: 3, failed: 0, skipped: 1 } });
    expect(view.steps?.map((s) => [s.id, s.status, s.reusedFrom ?? s.attempt ?? s.skipReason])).toEqual([
      ['extract', 'succeeded', first],
      ['load', 'succeeded', 1],
      ['report', 'succeeded', 1],
      ['alert', 'skipped', 'trigger_rule'],
    ]);
    const runs = await ok<{ items: WorkflowRunView[] }>(Subjects.query.workflowList, { taskId, minPosition });
    expect(runs.items.map((r) => [r.runId, r.status, r.resumedAs])).toEqual([[resumed.runId, 'succeeded', undefined], [first, 'failed', resumed.runId]]);

    // schedctl draws the failed run's DAG with statuses.
    let out = '';
    const io = { out: (text: string) => void (out += text), err: (text: string) => void (out += text), interactive: false };
    expect(await main(['--url', system.nats.url, 'workflow', 'show', first], io)).toBe(0);
    expect(out).toMatch(/status:\s+failed/);
    expect(out).toMatch(new RegExp(`^resumed as: +${resumed.runId}$`, 'm'));
    expect(out).toMatch(/│ ✔ extract\s+│/);
    expect(out).toMatch(/│ ✘ load\s+│/);
    expect(out).toMatch(/│ ⊘ report\s+│[\s\S]*skipped: upstream_failed/);
    expect(out).toMatch(/← extract/);
    expect(out).toMatch(/CommandFailed/);
    console.log(`schedctl workflow show ${first}:\n${out}`);

    // schedctl does not show the task-level retry policy as if it applied to the runs.
    out = '';
    expect(await main(['--url', system.nats.url, 'task', 'get', taskId], io)).toBe(0);
    expect(out).toMatch(/^retries:\s+a run is never retried: each step has its own retry/m);
    expect(out).not.toMatch(/^backoff:/m);

    // schedctl names the workflow task of a run, and a step's execution by its workflow and step.
    const task = await ok<{ name: string }>(Subjects.query.taskGet, { taskId });
    out = '';
    expect(await main(['--url', system.nats.url, 'workflow', 'list', '--task', taskId], io)).toBe(0);
    expect(out).toMatch(new RegExp(`^${resumed.runId}\\s+${task.name}\\s+succeeded`, 'm'));
    out = '';
    expect(await main(['--url', system.nats.url, 'workflow', 'show', first], io)).toBe(0);
    expect(out).toMatch(new RegExp(`^task:\\s+${task.name} \\(${taskId}\\)$`, 'm'));
    out = '';
    expect(await main(['--url', system.nats.url, 'exec', 'list', '--task', `${taskId}:load`], io)).toBe(0);
    expect(out).toMatch(new RegExp(`^${resumed.runId}:load\\s+${task.name} › load\\s+succeeded`, 'm'));

    // A step is named as lists show it, <workflow name>:<step>: its executions across runs and its stats.
    out = '';
    expect(await main(['--url', system.nats.url, 'exec', 'list', '--task', `${task.name}:load`], io)).toBe(0);
    expect(out).toMatch(new RegExp(`^${first}:load\\s+${task.name} › load\\s+failed`, 'm'));
    out = '';
    expect(await main(['--url', system.nats.url, 'stats', `${task.name}:load`], io)).toBe(0);
    expect(out).toMatch(new RegExp(`^task:\\s+${taskId}:load$`, 'm'));
    expect(out).toMatch(/^total:\s+2$/m);
    expect(out).toMatch(/^success rate:\s+50\.0%$/m);
    out = '';
    expect(await main(['--url', system.nats.url, 'stats', `${task.name}:nope`], io)).toBe(1);
    expect(out).toContain(`NOT_FOUND: no task has the id or name "${task.name}:nope"`);
  });

  it('big results: a decision over one message goes in several commits; a step whose substituted config is over the limit fails unrun; a resume takes them over', async () => {
    const bigOutput = { executor: 'command', config: { argv: ['sh', '-c', "head -c 600000 /dev/zero | tr '\\0' a"], maxOutputBytes: 700_000 } };
    const taskId = await createWorkflow(system, {
      onFailure: 'continue',
      steps: [
        { id: 'big', ...bigOutput },
        // The outcome of big (600 KB) and this step's config (600 KB) were one commit of 1.2 MB: refused, and the
        // workflow service retried it for good, every other run stalled behind it.
        { id: 'use', executor: 'noop', dependsOn: ['big'], config: { text: '${steps.big.result.stdout}' } },
        { id: 'twice', executor: 'noop', dependsOn: ['big'], config: { a: '${steps.big.result.stdout}', b: '${steps.big.result.stdout}' } },
      ],
    });
    const first = await trigger(system, taskId);
    const events = await waitForRunEnd(system.store, first, 30_000);
    expect(runSteps(events).filter((s) => !s.startsWith('StepScheduled'))).toEqual(['WorkflowStarted', 'StepSucceeded:big', 'StepFailed:twice', 'StepSucceeded:use', 'WorkflowFailed']);
    expect(dataOf(events, 'StepFailed')[0].error).toMatchObject({ type: 'ConfigTooLarge', message: expect.stringMatching(/over the limit of 786432/) });
    expect(dataOf(events, 'StepScheduled').find((s) => s.stepId === 'use')?.config).toEqual({ text: 'a'.repeat(600_000) });

    // The resumed run's first decision carries both results taken over (1.2 MB): it too goes in two commits.
    const resumed = await ok<ResumeWorkflowResult>(Subjects.cmd.workflowResume, { runId: first });
    const again = await waitForRunEnd(system.store, resumed.runId, 30_000);
    expect(runSteps(again)).toEqual(['WorkflowStarted', 'StepSucceeded:big', 'StepSucceeded:use', 'StepFailed:twice', 'WorkflowFailed']);
    expect(new Set(again.slice(0, 3).map((event) => commitSequenceOf(event.position))).size).toBeGreaterThan(1);
  });

  it("a run of a disabled or deleted task is not resumed (as it is not triggered); a resume takes the task's policy as it is now", async () => {
    const taskId = await createWorkflow(system, { steps: [{ id: 'boom', ...shell('exit 1') }] });
    const run = await trigger(system, taskId);
    await waitForRunEnd(system.store, run);
    await ok(Subjects.cmd.taskDisable, { taskId });
    await expect(ok(Subjects.cmd.workflowResume, { runId: run })).rejects.toThrow(/INVALID_STATE.*disabled/);
    await ok(Subjects.cmd.taskEnable, { taskId });
    await ok(Subjects.cmd.taskUpdate, { taskId, pauseOnFailure: true });
    const resumed = await ok<ResumeWorkflowResult>(Subjects.cmd.workflowResume, { runId: run });
    const [due] = await historyOf(system.store, resumed.runId);
    expect(due).toMatchObject({ type: 'TaskDue', data: { resumeOf: run, pauseOnFailure: true } });
    await waitForRunEnd(system.store, resumed.runId);
    await ok(Subjects.cmd.taskDelete, { taskId });
    await expect(ok(Subjects.cmd.workflowResume, { runId: resumed.runId })).rejects.toThrow(/NOT_FOUND/);
  });

  it('a resume whose run was cancelled before it started leaves the earlier run resumable again', async () => {
    const taskId = await createWorkflow(system, { steps: [{ id: 'boom', ...shell('exit 1') }] });
    const first = await trigger(system, taskId);
    await waitForRunEnd(system.store, first);
    // The cancel beats the workflow service to the new run (the tester's race, made certain by holding the service).
    const manager = system.app.get(WorkflowProcessManager, { strict: false });
    await manager.onModuleDestroy();
    const lost = `lost-${first}`;
    try {
      await ok(Subjects.cmd.workflowResume, { runId: first, commandId: lost });
      await ok(Subjects.cmd.executionCancel, { executionId: lost });
    } finally {
      await manager.onApplicationBootstrap();
    }
    const head = await system.store.headPosition();
    await waitFor(() => (manager.lastProcessed() ?? -1) >= head, 10_000, 'the workflow service to pass the cancelled resume');
    expect(await runEvents(system.store, lost)).toEqual([]);

    await expect(ok(Subjects.cmd.workflowResume, { runId: lost })).rejects.toThrow(new RegExp(`INVALID_STATE.*run ${lost} never started.*resume ${first} again`));
    // The same resume sent again is still that one; another is a new run.
    expect(await ok<ResumeWorkflowResult>(Subjects.cmd.workflowResume, { runId: first, commandId: lost })).toMatchObject({ runId: lost });
    const again = await ok<ResumeWorkflowResult>(Subjects.cmd.workflowResume, { runId: first });
    expect(again.runId).not.toBe(lost);
    expect(runSteps(await waitForRunEnd(system.store, again.runId))).toEqual(['WorkflowStarted', 'StepScheduled:boom', 'StepFailed:boom', 'WorkflowFailed']);
    const minPosition = await system.store.headPosition();
    expect(await ok<WorkflowRunView>(Subjects.query.workflowGet, { runId: first, minPosition })).toMatchObject({ resumedAs: again.runId });
    expect(await ok<WorkflowRunView>(Subjects.query.workflowGet, { runId: again.runId, minPosition })).toMatchObject({ resumedFrom: first });
  });
});
