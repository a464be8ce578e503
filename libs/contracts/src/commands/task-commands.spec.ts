import { listTasksQuerySchema } from '../queries';
import { createTaskPayloadSchema, updateTaskPayloadSchema } from './task-commands';

describe('task command tags', () => {
  it('folds repeated tags and trims blanks around them, keeping the first order', () => {
    const created = createTaskPayloadSchema.parse({ name: 'x', executor: 'noop', tags: ['nightly', ' etl ', 'nightly', 'etl'] });
    expect(created.tags).toEqual(['nightly', 'etl']);
    const updated = updateTaskPayloadSchema.parse({ taskId: 't-1', tags: ['a', 'a'] });
    expect(updated.tags).toEqual(['a']);
  });

  it('refuses a tag that is only blanks, naming where it is', () => {
    const refused = createTaskPayloadSchema.safeParse({ name: 'x', executor: 'noop', tags: ['ok', '  '] });
    expect(refused.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['tags.1']);
  });
});

describe('task command names', () => {
  it('refuses control characters (a line break splits every list the name is in), on create and rename', () => {
    for (const name of ['two\nlines', 'tab\there', 'nul\u0000', 'del\u007f']) {
      const refused = createTaskPayloadSchema.safeParse({ name, executor: 'noop' });
      expect(refused.error?.issues).toEqual([expect.objectContaining({ path: ['name'], message: 'name cannot hold control characters (line breaks, tabs, NUL)' })]);
      expect(updateTaskPayloadSchema.safeParse({ taskId: 't-1', name }).success).toBe(false);
    }
    expect(createTaskPayloadSchema.parse({ name: '  Überweisung – nächtlich 🌙 ', executor: 'noop' }).name).toBe('Überweisung – nächtlich 🌙');
  });

  it('stores and looks names up in Unicode NFC: an accent typed decomposed (NFD) names the same task', () => {
    const [composed, decomposed] = ['caf\u00e9 report', 'cafe\u0301 report'];
    expect(createTaskPayloadSchema.parse({ name: decomposed, executor: 'noop' }).name).toBe(composed);
    expect(updateTaskPayloadSchema.parse({ taskId: 't-1', name: decomposed }).name).toBe(composed);
    expect(listTasksQuerySchema.parse({ name: decomposed, search: 'cafe\u0301' })).toMatchObject({ name: composed, search: 'caf\u00e9' });
  });
});
