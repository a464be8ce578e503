import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { Subjects, type Reply, type TaskCommandResult } from '@sched/contracts';
import { startTestSystem, type TestSystem } from '../support/system';

/**
 * A command retried with the same commandId gets the first reply again and appends nothing, whether the retry comes
 * after the first reply or races it (concurrent duplicates), on every command subject.
 */
describe('idempotent commands by commandId', () => {
  let system: TestSystem;
  let taskId: string;

  beforeAll(async () => {
    system = await startTestSystem();
    const created = await system.request<TaskCommandResult>(Subjects.cmd.taskCreate, { name: 'target', executor: 'manual' });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    taskId = created.result.taskId;
  });
  afterAll(async () => {
    await system?.close();
  });

  /** Events the gateway appended for this command (it stamps the commandId as their causation id). */
  async function appendedBy(commandId: string): Promise<string[]> {
    const types: string[] = [];
    for await (const event of system.store.readAll()) if (event.metadata.causationId === commandId) types.push(event.type);
    return types;
  }

  // One valid payload per command subject; each runs once for real, then again as a retry.
  const commands: Array<[string, () => Record<string, unknown>]> = [
    [Subjects.cmd.taskCreate, () => ({ name: 'created once', executor: 'noop' })],
    [Subjects.cmd.taskUpdate, () => ({ taskId, description: 'updated once' })],
    [Subjects.cmd.taskPause, () => ({ taskId, note: 'paused once' })],
    [Subjects.cmd.taskResume, () => ({ taskId })],
    [Subjects.cmd.taskTrigger, () => ({ taskId })],
    [Subjects.cmd.taskBackfill, () => ({ taskId, from: '2024-01-01T00:00:00Z', to: '2024-01-01T00:00:01Z' })],
    [Subjects.cmd.executionCancel, () => ({ executionId: `${taskId}@1` })],
    [Subjects.cmd.taskDelete, () => ({ taskId, reason: 'deleted once' })],
  ];

  it.each(commands)('%s: a sequential retry returns the same reply and appends nothing', async (subject, payload) => {
    const commandId = randomUUID();
    const body = { ...payload(), commandId };
    const first = await system.request(subject, body);
    const appended = await appendedBy(commandId);
    const retried = await system.request(subject, body);
    expect(retried).toEqual(first);
    expect(await appendedBy(commandId)).toEqual(appended);
  });

  it('20 concurrent copies of a create race: one task, 20 identical replies', async () => {
    const commandId = randomUUID();
    const body = { name: 'raced', executor: 'noop', commandId };
    const replies = await Promise.all(Array.from({ length: 20 }, () => system.request<TaskCommandResult>(Subjects.cmd.taskCreate, body)));
    expect(replies[0].ok).toBe(true);
    for (const reply of replies) expect(reply).toEqual(replies[0]);
    expect((await appendedBy(commandId)).filter((type) => type === 'TaskCreated')).toHaveLength(1);
  });

  it('20 concurrent copies of a trigger race: one execution', async () => {
    const commandId = randomUUID();
    const replies = await Promise.all(Array.from({ length: 20 }, () => system.request(Subjects.cmd.taskTrigger, { taskId: 'raced-trigger-target', commandId })));
    // The target does not exist: every copy gets the same NOT_FOUND and nothing is appended.
    for (const reply of replies) expect(reply).toEqual(replies[0]);
    expect(replies[0]).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    const created = await system.request<TaskCommandResult>(Subjects.cmd.taskCreate, { name: 'trigger target', executor: 'manual' });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const body = { taskId: created.result.taskId, commandId: randomUUID() };
    const triggered = await Promise.all(Array.from({ length: 20 }, () => system.request(Subjects.cmd.taskTrigger, body)));
    for (const reply of triggered) expect(reply).toEqual(triggered[0]);
    expect(await appendedBy(body.commandId)).toEqual(['TaskTriggered']);
  });

  it('the same commandId with a different payload is a CONFLICT and appends nothing', async () => {
    const commandId = randomUUID();
    const first = await system.request(Subjects.cmd.taskCreate, { name: 'first', executor: 'noop', commandId });
    expect(first.ok).toBe(true);
    const appended = await appendedBy(commandId);
    const other: Reply<unknown> = await system.request(Subjects.cmd.taskCreate, { name: 'second', executor: 'noop', commandId });
    expect(other).toMatchObject({ ok: false, error: { code: 'CONFLICT', details: { commandId, subject: Subjects.cmd.taskCreate } } });
    expect(await appendedBy(commandId)).toEqual(appended);
  });

  it('a reply bucket deleted while the app runs is made again by the next command (every one answered INTERNAL until a restart)', async () => {
    const created = await system.request<TaskCommandResult>(Subjects.cmd.taskCreate, { name: 'outlives its bucket', executor: 'noop', commandId: randomUUID() });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const { taskId: ownTaskId } = created.result;
    expect(await system.request(Subjects.cmd.taskPause, { taskId: ownTaskId, commandId: randomUUID() })).toMatchObject({ ok: true });
    await (await jetstreamManager(system.nc)).streams.delete('KV_sched_command_replies');
    const after = { taskId: ownTaskId, commandId: randomUUID() };
    const resumed = await system.request(Subjects.cmd.taskResume, after);
    expect(resumed).toMatchObject({ ok: true, result: { events: ['TaskResumed'] } });
    expect(await system.request(Subjects.cmd.taskResume, after)).toEqual(resumed); // remembered in the new bucket
  });

  it('a rejected command is not remembered: fixed and sent again with the same commandId, it runs', async () => {
    const commandId = randomUUID();
    const rejected = await system.request(Subjects.cmd.taskPause, { taskId: 'not-created-yet', commandId });
    expect(rejected).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const created = await system.request<TaskCommandResult>(Subjects.cmd.taskCreate, { taskId: 'not-created-yet', name: 'late', executor: 'noop' });
    expect(created.ok).toBe(true);
    const paused = await system.request<TaskCommandResult>(Subjects.cmd.taskPause, { taskId: 'not-created-yet', commandId });
    expect(paused).toMatchObject({ ok: true, result: { events: ['TaskPaused'] } });
  });
});
