import { COMMAND_SUBJECTS, MAX_JSON_DEPTH, Subjects, type TaskCommandResult } from '@sched/contracts';
import { startTestSystem, type TestSystem } from '../support/system';

/** Every bad payload must get a structured error and append nothing. */
describe('bad input on every command subject', () => {
  let system: TestSystem;
  let taskId: string;

  beforeAll(async () => {
    system = await startTestSystem();
    // A task without schedules: it exists (for update/pause/... payloads) but nothing runs in the background.
    const created = await system.request<TaskCommandResult>(Subjects.cmd.taskCreate, { name: 'manual one', executor: 'noop' });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    taskId = created.result.taskId;
  });
  afterAll(async () => {
    await system?.close();
  });

  const notJson = ['{not json', '[1,2', 'hello'];
  const notAnObject = [[1, 2], 'a string', 42, null];

  async function expectRejected(subject: string, send: () => Promise<{ ok: boolean; error?: unknown }>, code: string) {
    const before = await system.store.headPosition();
    const reply = await send();
    expect(reply).toMatchObject({ ok: false, error: { code, message: expect.any(String), details: expect.any(Object) } });
    expect(await system.store.headPosition()).toBe(before);
    return reply;
  }

  describe.each(COMMAND_SUBJECTS.map((subject) => [subject]))('%s', (subject) => {
    it.each(notJson)('rejects the non-JSON body %p with BAD_REQUEST', (body) =>
      expectRejected(subject, () => system.requestRaw(subject, body), 'BAD_REQUEST'));
    it.each(notAnObject)('rejects the non-object %p with BAD_REQUEST', (payload) =>
      expectRejected(subject, () => system.request(subject, payload), 'BAD_REQUEST'));
    it('rejects an empty object with VALIDATION naming the missing fields', async () => {
      const reply = (await expectRejected(subject, () => system.request(subject, {}), 'VALIDATION')) as {
        error: { details: { issues: Array<{ path: string }> } };
      };
      expect(reply.error.details.issues.length).toBeGreaterThan(0);
    });
    it('rejects a body nested deeper than MAX_JSON_DEPTH with BAD_REQUEST naming the limit (5,000 levels overflowed the stack)', async () => {
      const deep = `{"taskId":"${taskId}","name":"x","executor":"noop","config":{"a":${'['.repeat(5_000)}${']'.repeat(5_000)}}}`;
      const reply = await expectRejected(subject, () => system.requestRaw(subject, deep), 'BAD_REQUEST');
      expect(reply).toMatchObject({ error: { details: { limit: 'MAX_JSON_DEPTH', max: MAX_JSON_DEPTH } } });
    });
    it('rejects unknown fields', () =>
      expectRejected(subject, () => system.request(subject, { taskId, name: 'x', executor: 'noop', bogus: 1 }), 'VALIDATION'));
  });

  const cases: Array<[string, string, Record<string, unknown>, string]> = [
    ['create: name of the wrong type', Subjects.cmd.taskCreate, { name: 42, executor: 'noop' }, 'VALIDATION'],
    ['create: missing executor', Subjects.cmd.taskCreate, { name: 'x' }, 'VALIDATION'],
    ['create: unknown executor', Subjects.cmd.taskCreate, { name: 'x', executor: 'teleport' }, 'VALIDATION'],
    ['create: executor config of the wrong type', Subjects.cmd.taskCreate, { name: 'x', executor: 'sleep', config: { duration: 'soon' } }, 'VALIDATION'],
    ['create: interval of zero', Subjects.cmd.taskCreate, { name: 'x', executor: 'noop', schedules: [{ type: 'interval', every: 0 }] }, 'VALIDATION'],
    ['create: interval not a duration', Subjects.cmd.taskCreate, { name: 'x', executor: 'noop', schedules: [{ type: 'interval', every: 'often' }] }, 'VALIDATION'],
    ['create: interval below 1 s', Subjects.cmd.taskCreate, { name: 'x', executor: 'noop', schedules: [{ type: 'interval', every: '10ms' }] }, 'VALIDATION'],
    ['create: negative interval', Subjects.cmd.taskCreate, { name: 'x', executor: 'noop', schedules: [{ type: 'interval', every: -5 }] }, 'VALIDATION'],
    ['create: schedules not a list', Subjects.cmd.taskCreate, { name: 'x', executor: 'noop', schedules: { type: 'interval', every: '1s' } }, 'VALIDATION'],
    ['create: task id with a dot', Subjects.cmd.taskCreate, { taskId: 'a.b', name: 'x', executor: 'noop' }, 'VALIDATION'],
    ['create: a one-shot that has passed', Subjects.cmd.taskCreate, { name: 'x', executor: 'noop', schedules: [{ type: 'once', at: '2020-01-01T00:00:00Z' }] }, 'VALIDATION'],
    ['create: a window that has ended', Subjects.cmd.taskCreate, { name: 'x', executor: 'noop', schedules: [{ type: 'interval', every: '1m', endAt: '2020-01-01T00:00:00Z' }] }, 'VALIDATION'],
    ['update: unknown task', Subjects.cmd.taskUpdate, { taskId: 'no-such-task', name: 'y' }, 'NOT_FOUND'],
    ['update: nothing to change', Subjects.cmd.taskUpdate, { taskId: 'no-such-task' }, 'VALIDATION'],
    ['update: unknown executor', Subjects.cmd.taskUpdate, { taskId: '$TASK', executor: 'teleport' }, 'VALIDATION'],
    ['update: invalid interval', Subjects.cmd.taskUpdate, { taskId: '$TASK', schedules: [{ type: 'interval', every: '1x' }] }, 'VALIDATION'],
    ['update: a one-shot that has passed', Subjects.cmd.taskUpdate, { taskId: '$TASK', schedules: [{ type: 'once', at: '2020-01-01T00:00:00Z' }] }, 'VALIDATION'],
    ['update: tags of the wrong type', Subjects.cmd.taskUpdate, { taskId: '$TASK', tags: 'a,b' }, 'VALIDATION'],
    // A rename claims its new name before the task stream is written: the schedule is judged before that claim.
    ['update: a rename with a one-shot that has passed', Subjects.cmd.taskUpdate, { taskId: '$TASK', name: 'renamed', schedules: [{ type: 'once', at: '2020-01-01T00:00:00Z' }] }, 'VALIDATION'],
    ['pause: unknown task', Subjects.cmd.taskPause, { taskId: 'no-such-task' }, 'NOT_FOUND'],
    ['pause: note of the wrong type', Subjects.cmd.taskPause, { taskId: '$TASK', note: { text: 'x' } }, 'VALIDATION'],
    ['resume: unknown task', Subjects.cmd.taskResume, { taskId: 'no-such-task' }, 'NOT_FOUND'],
    ['delete: unknown task', Subjects.cmd.taskDelete, { taskId: 'no-such-task' }, 'NOT_FOUND'],
    ['trigger: unknown task', Subjects.cmd.taskTrigger, { taskId: 'no-such-task' }, 'NOT_FOUND'],
    ['trigger: task id of the wrong type', Subjects.cmd.taskTrigger, { taskId: 17 }, 'VALIDATION'],
  ];

  it.each(cases)('%s → %s', (_name, subject, payload, code) =>
    expectRejected(
      subject,
      () => system.request(subject, JSON.parse(JSON.stringify(payload).replaceAll('$TASK', taskId))),
      code,
    ).then((reply) => expect(JSON.stringify(reply)).not.toContain('stack')));

  it('a creation with an existing task id is a CONFLICT and appends nothing', () =>
    expectRejected(
      Subjects.cmd.taskCreate,
      () => system.request(Subjects.cmd.taskCreate, { taskId, name: 'again', executor: 'noop' }),
      'CONFLICT',
    ));

  it('every command on a deleted task says it was deleted, and appends nothing', async () => {
    const created = await system.request<TaskCommandResult>(Subjects.cmd.taskCreate, { name: 'deleted one', executor: 'noop' });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const gone = created.result.taskId;
    expect((await system.request(Subjects.cmd.taskDelete, { taskId: gone })).ok).toBe(true);
    const commands: Array<[string, Record<string, unknown>]> = [
      [Subjects.cmd.taskUpdate, { taskId: gone, description: 'x' }],
      [Subjects.cmd.taskUpdate, { taskId: gone, name: 'a new name' }],
      [Subjects.cmd.taskPause, { taskId: gone }],
      [Subjects.cmd.taskTrigger, { taskId: gone }],
      [Subjects.cmd.taskDelete, { taskId: gone }],
    ];
    for (const [subject, payload] of commands) {
      const reply = await expectRejected(subject, () => system.request(subject, payload), 'NOT_FOUND');
      expect({ subject, reply }).toMatchObject({ subject, reply: { error: { message: `Task ${gone} was deleted`, details: { deleted: true } } } });
    }
  });

  it('a lone UTF-16 surrogate in any string is VALIDATION naming the field, appended nowhere (names with one collided)', async () => {
    // Raw JSON escapes, as a client sends them: "\ud800" and "\udbff" are two names, both U+FFFD once UTF-8 encoded.
    const sent: Array<[string, string, string]> = [
      [Subjects.cmd.taskCreate, '{"name":"\\ud800","executor":"noop"}', 'name'],
      [Subjects.cmd.taskCreate, '{"name":"\\udbff","executor":"noop"}', 'name'],
      [Subjects.cmd.taskUpdate, `{"taskId":"${taskId}","name":"x\\udc00"}`, 'name'],
      [Subjects.cmd.taskCreate, '{"name":"y","executor":"noop","config":{"a":["ok","\\ud83d"]}}', 'config.a.1'],
      [Subjects.cmd.taskPause, `{"taskId":"${taskId}","note":"\\udfff"}`, 'note'],
    ];
    for (const [subject, raw, path] of sent) {
      const reply = (await expectRejected(subject, () => system.requestRaw(subject, raw), 'VALIDATION')) as { error: { details: { issues: Array<{ path: string }> } } };
      expect({ raw, issues: reply.error.details.issues }).toEqual({ raw, issues: [{ path, message: expect.stringContaining('lone UTF-16 surrogate') }] });
    }
    // A well-formed pair (an emoji, escaped) is a character like any other.
    const pair = await system.requestRaw(Subjects.cmd.taskCreate, '{"name":"\\ud83d\\ude00","executor":"noop"}');
    expect(pair).toMatchObject({ ok: true });
  });

  it('and a valid command still works afterwards', async () => {
    const reply = await system.request<TaskCommandResult>(Subjects.cmd.taskPause, { taskId, note: 'done testing' });
    expect(reply).toMatchObject({ ok: true, result: { taskId, events: ['TaskPaused'] } });
  });
});
