import { Subjects, type TaskView } from '@sched/contracts';
import { main } from '../../apps/schedctl/src/cli';
import { createTask, waitForEnd } from '../support/executions';
import { startTestSystem, type TestSystem } from '../support/system';

/** A trigger may give its run a config of its own: the task's with a JSON Merge Patch applied; the task is unchanged. */
describe('trigger with a configPatch (e2e)', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(async () => {
    await system?.close();
  });

  const triggerWith = async (payload: Record<string, unknown>) => {
    const reply = await system.request<{ executionId: string }>(Subjects.cmd.taskTrigger, payload);
    if (!reply.ok) throw new Error(JSON.stringify(reply.error));
    return reply.result.executionId;
  };

  it("runs with the patched config, recorded on TaskTriggered (v2) and TaskDue; the task's own config stays", async () => {
    const taskId = await createTask(system, { name: 'greeter', executor: 'manual', config: { result: { greeting: 'hello', who: 'world', extra: 1 } } });
    const patched = await triggerWith({ taskId, configPatch: { result: { who: 'you', extra: null } } });
    const events = await waitForEnd(system.store, patched);
    expect(events[0]).toMatchObject({ type: 'TaskDue', data: { config: { result: { greeting: 'hello', who: 'you' } }, reason: 'trigger' } });
    expect(events.at(-1)).toMatchObject({ type: 'TaskSucceeded', data: { result: { greeting: 'hello', who: 'you' } } });
    const triggered = (await system.store.read(`task-${taskId}`)).find((event) => event.type === 'TaskTriggered');
    expect(triggered).toMatchObject({ data: { executionId: patched, config: { result: { greeting: 'hello', who: 'you' } } }, metadata: { schemaVersion: 2 } });

    // The task is as it was, and a plain trigger runs with its config.
    const task = await system.request<TaskView>(Subjects.query.taskGet, { taskId, minPosition: await system.store.headPosition() });
    expect(task).toMatchObject({ ok: true, result: { config: { result: { greeting: 'hello', who: 'world', extra: 1 } } } });
    const plain = await triggerWith({ taskId });
    expect((await waitForEnd(system.store, plain)).at(-1)).toMatchObject({ data: { result: { greeting: 'hello', who: 'world', extra: 1 } } });
  });

  it('a retried trigger (same commandId) fires once, with the config of the first', async () => {
    const taskId = await createTask(system, { name: 'once only', executor: 'manual', config: { result: 'task' } });
    const first = await triggerWith({ taskId, commandId: 'patched-once', configPatch: { result: 'run' } });
    const again = await triggerWith({ taskId, commandId: 'patched-once', configPatch: { result: 'run' } });
    expect(again).toBe(first);
    expect((await waitForEnd(system.store, first)).at(-1)).toMatchObject({ type: 'TaskSucceeded', data: { result: 'run' } });
    const triggers = (await system.store.read(`task-${taskId}`)).filter((event) => event.type === 'TaskTriggered');
    expect(triggers).toHaveLength(1);
  });

  it('a patch that makes the config invalid, or is no object, is VALIDATION and appends nothing', async () => {
    const taskId = await createTask(system, { name: 'patched badly', executor: 'command', config: { argv: ['true'] } });
    const before = await system.store.headPosition();
    const removed = await system.request(Subjects.cmd.taskTrigger, { taskId, configPatch: { argv: null } });
    expect(removed).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', message: expect.stringMatching(/^the command config after configPatch is invalid: .*config\.argv: required array is missing/) },
    });
    const typo = await system.request(Subjects.cmd.taskTrigger, { taskId, configPatch: { argvv: ['x'] } });
    expect(typo).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringContaining('argvv') } });
    const notAnObject = await system.request(Subjects.cmd.taskTrigger, { taskId, configPatch: ['x'] });
    expect(notAnObject).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringContaining('configPatch must be a JSON object'), details: { issues: [expect.objectContaining({ path: 'configPatch' })] } } });
    const huge = await system.request(Subjects.cmd.taskTrigger, { taskId, configPatch: { stdin: 'x'.repeat(70_000) } });
    expect(huge).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { limit: 'MAX_TASK_CONFIG_BYTES' } } });
    expect(await system.store.headPosition()).toBe(before);
  });

  it('schedctl task trigger --config-patch; JSON that is not JSON is a usage error', async () => {
    const taskId = await createTask(system, { name: 'from the cli', executor: 'command', config: { argv: ['echo', 'task'] } });
    let out = '';
    let err = '';
    const io = { out: (text: string) => void (out += text), err: (text: string) => void (err += text), interactive: false };
    expect(await main(['--url', system.nats.url, '--json', 'task', 'trigger', 'from the cli', '--config-patch', '{"argv":["echo","run"]}'], io)).toBe(0);
    const { executionId } = JSON.parse(out) as { executionId: string };
    expect((await waitForEnd(system.store, executionId)).at(-1)).toMatchObject({ type: 'TaskSucceeded', data: { result: { stdout: 'run\n' } } });
    // exec get says which config the run had, when it is not the task's.
    out = '';
    expect(await main(['--url', system.nats.url, 'exec', 'get', executionId], io)).toBe(0);
    expect(out).toMatch(/^config:\s+\{"argv":\["echo","run"\]\} \(this run's own: the task's differs\)$/m);
    out = '';
    const plain = await system.request<{ executionId: string }>(Subjects.cmd.taskTrigger, { taskId });
    const plainId = plain.ok ? plain.result.executionId : '';
    await waitForEnd(system.store, plainId);
    expect(await main(['--url', system.nats.url, 'exec', 'get', plainId], io)).toBe(0);
    expect(out).not.toMatch(/^config:/m);
    expect(await main(['--url', system.nats.url, 'task', 'trigger', taskId, '--config-patch', '{argv'], io)).toBe(2);
    expect(err).toContain('--config-patch must be JSON');
  });
});
