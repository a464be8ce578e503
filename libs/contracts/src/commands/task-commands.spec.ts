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
