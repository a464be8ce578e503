import { Subjects, type ExecutionCommandResult, type ExecutionView, type RecordedEvent, type TaskProgressed } from '@sched/contracts';
import { main } from '../../apps/schedctl/src/cli';
import { startTestSystem, waitFor, type TestSystem } from '../support/system';
import { createTask, historyOf, trigger, typesOf, waitForEnd, waitForHistory } from '../support/executions';

/** Issue 10, items 3, 4 and 7: pause / resume / terminate a running execution; item progress with an ETA. */
describe('pausing, resuming and terminating running executions', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(async () => {
    await system?.close();
  });

  const control = (verb: 'Pause' | 'Resume' | 'Terminate', executionId: string, extra: Record<string, unknown> = {}) =>
    system.request<ExecutionCommandResult>(Subjects.cmd[`execution${verb}`], { executionId, ...extra });
  const has = (type: string) => (events: RecordedEvent[]) => typesOf(events).includes(type);
  const progressCount = async (executionId: string) => typesOf(await historyOf(system.store, executionId)).filter((t) => t === 'TaskProgressed').length;
  /** 10 items, 300 ms each: long enough to pause in the middle. */
  const startExample = async (): Promise<string> => {
    const taskId = await createTask(system, { executor: 'example', config: { duration: '3s', steps: 10 }, maxRetries: 0 });
    const executionId = await trigger(system, taskId);
    await waitForHistory(system.store, executionId, has('TaskProgressed'), 5_000, 'a first progress report');
    return executionId;
  };
  const view = async (executionId: string): Promise<ExecutionView> => {
    const reply = await system.request<ExecutionView>(Subjects.query.executionGet, { executionId, minPosition: await system.store.headPosition() });
    if (!reply.ok) throw new Error(JSON.stringify(reply.error));
    return reply.result;
  };

  it.concurrent('pause: the code waits at its next progress report; resume: the same attempt goes on and succeeds', async () => {
    const executionId = await startExample();
    expect(await control('Pause', executionId, { reason: 'look at it' })).toMatchObject({ ok: true, result: { events: ['ExecutionPauseRequested'] } });
    expect(await control('Pause', executionId)).toMatchObject({ ok: true, result: { events: [] } }); // already asked
    await waitForHistory(system.store, executionId, has('ExecutionPaused'), 3_000, 'ExecutionPaused');
    await new Promise((resolve) => setTimeout(resolve, 400)); // a throttled report may still land just after the pause
    const whilePaused = await progressCount(executionId);
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // three more steps' worth of time
    expect(await progressCount(executionId)).toBe(whilePaused);
    expect(await view(executionId)).toMatchObject({ status: 'paused', progress: { totalItems: 10, estimatedEndAt: expect.any(String) } });
    // schedctl leaves the paused execution's ETA out: it was the estimate before the pause.
    let out = '';
    const io = { out: (text: string) => void (out += text), err: (text: string) => void (out += text), interactive: false };
    expect(await main(['--url', system.nats.url, 'exec', 'get', executionId], io)).toBe(0);
    expect(out).toMatch(/^progress:\s+\d+%, \d+\/10 items \(item \d+\)$/m);

    expect(await control('Resume', executionId)).toMatchObject({ ok: true, result: { events: ['ExecutionResumed'] } });
    const events = await waitForEnd(system.store, executionId, 8_000);
    expect(typesOf(events).filter((type) => !['TaskProgressed'].includes(type))).toEqual([
      'TaskDue', 'TaskStarted', 'ExecutionPauseRequested', 'ExecutionPaused', 'ExecutionResumed', 'TaskSucceeded',
    ]);
    expect(await progressCount(executionId)).toBeGreaterThan(whilePaused);
    expect(await view(executionId)).toMatchObject({ status: 'succeeded', attempt: 1 });
  });

  it.concurrent('item progress: processed/total, current item, percent and an estimated end in the event, the read model and exec tail', async () => {
    const executionId = await startExample();
    const progressed = await waitForHistory(
      system.store,
      executionId,
      (events) => events.some((e) => e.type === 'TaskProgressed' && ((e.data as TaskProgressed['data']).processedItems ?? 0) >= 2),
      5_000,
      'two items',
    );
    const report = progressed.filter((e) => e.type === 'TaskProgressed').at(-1)!.data as TaskProgressed['data'];
    expect(report).toMatchObject({ totalItems: 10, currentItem: `item ${report.processedItems}`, percent: (report.processedItems! / 10) * 100 });
    // 300 ms an item so far → the rest should end around (10 - processed) × 300 ms from the report.
    const etaMs = Date.parse(report.estimatedEndAt!);
    const reportedAt = Date.parse(progressed.filter((e) => e.type === 'TaskProgressed').at(-1)!.metadata.occurredAt);
    expect(etaMs - reportedAt).toBeGreaterThan((10 - report.processedItems!) * 300 * 0.7);
    expect(etaMs - reportedAt).toBeLessThan((10 - report.processedItems!) * 300 * 2);
    await waitFor(async () => ((await view(executionId)).progress?.processedItems ?? 0) >= 2, 3_000, 'items in the read model');
    expect((await view(executionId)).progress).toMatchObject({ totalItems: 10, estimatedEndAt: expect.any(String) });

    let out = '';
    const io = { out: (text: string) => void (out += text), err: () => undefined, interactive: false };
    expect(await main(['--url', system.nats.url, 'exec', 'tail', '--execution', executionId], io)).toBe(0);
    expect(out).toMatch(/\d+\/10 items \(item \d+\), ETA \d{4}-/);
    expect(out).toMatch(/10\/10 items \(item 10\)/);
  });

  it.concurrent('terminate: a paused execution is aborted at once and ends TaskCancelled; so is a running one', async () => {
    const paused = await startExample();
    await control('Pause', paused);
    await waitForHistory(system.store, paused, has('ExecutionPaused'), 3_000, 'ExecutionPaused');
    const at = Date.now();
    expect(await control('Terminate', paused)).toMatchObject({ ok: true, result: { events: ['TaskCancelRequested'] } });
    const events = await waitForEnd(system.store, paused, 3_000);
    expect(events.at(-1)).toMatchObject({ type: 'TaskCancelled', data: { attempt: 1, reason: 'terminated' } });
    expect(Date.now() - at).toBeLessThan(2_000);

    const running = await startExample();
    expect(await control('Terminate', running, { reason: 'enough' })).toMatchObject({ ok: true });
    expect((await waitForEnd(system.store, running, 3_000)).at(-1)).toMatchObject({ type: 'TaskCancelled', data: { reason: 'enough' } });
  });

  it('only a running execution can be paused; resume of one that is not paused changes nothing; bad input appends nothing', async () => {
    const executionId = await startExample();
    expect(await control('Resume', executionId)).toMatchObject({ ok: true, result: { events: [] } });
    await control('Terminate', executionId);
    await waitForEnd(system.store, executionId);
    const head = await system.store.headPosition();
    expect(await control('Pause', executionId)).toMatchObject({ ok: false, error: { code: 'INVALID_STATE', message: expect.stringContaining('only a running') } });
    expect(await control('Resume', executionId)).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    expect(await control('Pause', 'no-such-execution')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await system.request(Subjects.cmd.executionPause, {})).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await system.request(Subjects.cmd.executionResume, { executionId, reason: 'x' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await system.store.headPosition()).toBe(head);
  });

  it('a running command is never paused (it reaches no checkpoint): INVALID_STATE saying so, nothing appended', async () => {
    const running = await trigger(system, await createTask(system, { name: 'no checkpoints', executor: 'command', config: { argv: ['sleep', '5'] } }));
    await waitForHistory(system.store, running, (events) => events.some((event) => event.type === 'TaskStarted'), 5_000, 'started');
    const head = await system.store.headPosition();
    expect(await control('Pause', running)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_STATE', message: 'a command execution never reaches a checkpoint where a pause takes hold: cancel or terminate it instead' },
    });
    expect(await system.store.headPosition()).toBe(head);
    await control('Terminate', running);
    await waitForEnd(system.store, running);
  });

  it('a running workflow run is not paused (nothing runs it that reaches a checkpoint): INVALID_STATE saying what to do, nothing appended', async () => {
    const taskId = await createTask(system, { executor: 'workflow', config: { steps: [{ id: 'wait', executor: 'sleep', config: { duration: '10s', steps: 1 } }] } });
    const runId = await trigger(system, taskId);
    await waitForHistory(system.store, `${runId}:wait`, has('TaskStarted'), 5_000, 'the step started');
    const head = await system.store.headPosition();
    expect(await control('Pause', runId)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_STATE', message: `workflow run ${runId} cannot be paused: pause its running steps' executions (<runId>:<stepId>), or cancel the run` },
    });
    expect(await system.store.headPosition()).toBe(head);
    await system.request(Subjects.cmd.executionCancel, { executionId: runId });
    await waitForEnd(system.store, runId);
  });
});
