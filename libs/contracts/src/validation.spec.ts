import { createHash } from 'node:crypto';
import { createTaskPayloadSchema, updateTaskPayloadSchema } from './commands/task-commands';
import { ErrorCode, SchedError } from './errors';
import { listTasksQuerySchema } from './queries';
import { unstorableParts, parsePayload } from './validation';

/** What parsePayload threw: its code, message and issues. */
function refusal(run: () => unknown): { code: string; message: string; issues: Array<{ path: string; message: string }> } {
  try {
    run();
  } catch (error) {
    if (!(error instanceof SchedError)) throw error;
    return { code: error.code, message: error.message, issues: (error.details as { issues: Array<{ path: string; message: string }> }).issues };
  }
  throw new Error('expected parsePayload to throw');
}

describe('strings that are not well-formed Unicode (a lone UTF-16 surrogate) are refused in every payload', () => {
  it('a name: VALIDATION naming the field (it was taken, and stored as U+FFFD by all but the log)', () => {
    // As the transport decodes it: the JSON escape "\ud800" is a lone surrogate.
    const payload = JSON.parse('{"name":"\\ud800","executor":"noop"}') as unknown;
    expect(refusal(() => parsePayload(createTaskPayloadSchema, payload, 'task.create'))).toEqual({
      code: ErrorCode.VALIDATION,
      message: 'task.create: name: not well-formed Unicode: a lone UTF-16 surrogate (\\ud800) at character 0',
      issues: [{ path: 'name', message: 'not well-formed Unicode: a lone UTF-16 surrogate (\\ud800) at character 0' }],
    });
  });

  it('two such names were one (the name registry hashes UTF-8, where both are U+FFFD): neither is taken now', () => {
    const [first, second] = ['\ud800', '\udbff'];
    const utf8Hash = (name: string) => createHash('sha256').update(name, 'utf8').digest('hex');
    expect(utf8Hash(first)).toBe(utf8Hash(second)); // why they collided
    for (const name of [first, `café ${second} x`]) {
      expect(refusal(() => parsePayload(createTaskPayloadSchema, { name, executor: 'noop' }, 'task.create')).issues.map((issue) => issue.path)).toEqual(['name']);
    }
    expect(refusal(() => parsePayload(updateTaskPayloadSchema, { taskId: 't', name: 'a\udfff' }, 'task.update')).issues).toEqual([
      { path: 'name', message: 'not well-formed Unicode: a lone UTF-16 surrogate (\\udfff) at character 1' },
    ]);
  });

  it('any string at any depth, and keys, each named by its path (a key shown with its surrogate escaped)', () => {
    const payload = {
      name: 'ok',
      executor: 'noop',
      description: 'x\udc00',
      tags: ['fine', '\ud83d'],
      config: { headers: { 'x-a': 'b\ud800' }, ['k\udbff']: 1, list: [{ deep: ['\udc01'] }] },
    };
    expect(refusal(() => parsePayload(createTaskPayloadSchema, payload, 'task.create')).issues).toEqual([
      { path: 'description', message: 'not well-formed Unicode: a lone UTF-16 surrogate (\\udc00) at character 1' },
      { path: 'tags.1', message: 'not well-formed Unicode: a lone UTF-16 surrogate (\\ud83d) at character 0' },
      { path: 'config.headers.x-a', message: 'not well-formed Unicode: a lone UTF-16 surrogate (\\ud800) at character 1' },
      { path: 'config.k\\udbff', message: 'key not well-formed Unicode: a lone UTF-16 surrogate (\\udbff) at character 1' },
      { path: 'config.list.0.deep.0', message: 'not well-formed Unicode: a lone UTF-16 surrogate (\\udc01) at character 0' },
    ]);
  });

  it('beside the schema’s own issues, all in one answer; the answer itself is well-formed', () => {
    const { message, issues } = refusal(() => parsePayload(createTaskPayloadSchema, { name: '\ud800', executor: 'noop', ['b\udc00gus']: 1 }, 'task.create'));
    expect(issues).toEqual([
      { path: 'name', message: expect.stringContaining('lone UTF-16 surrogate') },
      { path: 'b\\udc00gus', message: expect.stringContaining('lone UTF-16 surrogate') },
      { path: '', message: expect.stringContaining('Unrecognized key: "b\\udc00gus"') },
    ]);
    expect(message.isWellFormed()).toBe(true);
    expect(issues.every((issue) => issue.path.isWellFormed() && issue.message.isWellFormed())).toBe(true);
  });

  it('queries too', () => {
    expect(refusal(() => parsePayload(listTasksQuerySchema, { name: '\ud800' }, 'task.list')).issues.map((issue) => issue.path)).toEqual(['name']);
  });

  it('takes well-formed text: pairs (an emoji, astral characters), U+FFFD itself, every plane', () => {
    const name = 'a😀 𝄞 \ufffd \u{10ffff} é';
    expect(parsePayload(createTaskPayloadSchema, { name, executor: 'noop', config: { '😀': ['\ud83d\ude00'] } }, 'task.create')).toMatchObject({ name });
    expect(unstorableParts({ a: [name, { [name]: name }], b: 1, c: null, d: true })).toEqual([]);
  });

  it('walks a payload that shares an object, or holds itself, once (no recursion, no endless loop)', () => {
    const shared = { text: '\ud800' };
    const cyclic: Record<string, unknown> = { a: shared, b: shared };
    cyclic.self = cyclic;
    expect(unstorableParts(cyclic)).toEqual([{ path: 'a.text', message: expect.any(String) }]);
    let deep: unknown = '\udc00';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(unstorableParts(deep)).toHaveLength(1);
  });
});

describe('a "__proto__" key anywhere in a payload', () => {
  it('is VALIDATION naming its path (it was dropped without a word from a config: no copy keeps it)', () => {
    const payload = JSON.parse('{"name":"n","executor":"noop","config":{"a":{"__proto__":{"x":1}}}}') as unknown;
    expect(refusal(() => parsePayload(createTaskPayloadSchema, payload, 'task.create')).issues).toEqual([
      { path: 'config.a.__proto__', message: 'key "__proto__" is not allowed (it would be dropped, not kept)' },
    ]);
    // "constructor" and "prototype" are plain keys JSON and copies keep: taken.
    expect(parsePayload(createTaskPayloadSchema, { name: 'n', executor: 'noop', config: { constructor: 1, prototype: 2 } }, 'task.create').config).toEqual({ constructor: 1, prototype: 2 });
  });
});

describe('a number too large for a double', () => {
  it('is VALIDATION naming its path (JSON.parse made it Infinity, stored as null)', () => {
    const payload = JSON.parse('{"name":"n","executor":"noop","config":{"n":1e400}}') as unknown;
    expect(refusal(() => parsePayload(createTaskPayloadSchema, payload, 'task.create')).issues).toEqual([
      { path: 'config.n', message: 'a number too large for a double (it would be stored as null)' },
    ]);
  });
});
