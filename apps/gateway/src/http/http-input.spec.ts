import { bodyWith, queryPayload } from './http-input';

describe('queryPayload', () => {
  it('turns numeric fields that look like numbers into numbers and leaves the rest for the schema to judge', () => {
    expect(queryPayload({ limit: '20', minPosition: '3000', state: 'active', cursor: '17' }, { numeric: ['limit', 'minPosition'] })).toEqual({
      limit: 20,
      minPosition: 3000,
      state: 'active',
      cursor: '17',
    });
    expect(queryPayload({ limit: 'many' }, { numeric: ['limit'] })).toEqual({ limit: 'many' });
  });

  it('takes an instant whose + offset the query string decoded to a space as the + it was', () => {
    expect(queryPayload({ after: '2030-01-01T10:00:00 01:00', at: '2030-01-01T10:00 0530' })).toEqual({ after: '2030-01-01T10:00:00+01:00', at: '2030-01-01T10:00+0530' });
    expect(queryPayload({ search: 'nightly 01:00', after: '2030-01-01T10:00:00-01:00' })).toEqual({ search: 'nightly 01:00', after: '2030-01-01T10:00:00-01:00' });
  });

  it('reads lists as comma-separated or repeated keys', () => {
    expect(queryPayload({ types: 'TaskDue,TaskSucceeded' }, { lists: ['types'] })).toEqual({ types: ['TaskDue', 'TaskSucceeded'] });
    expect(queryPayload({ types: ['TaskDue', 'TaskFailed,TaskSkipped'] }, { lists: ['types'] })).toEqual({ types: ['TaskDue', 'TaskFailed', 'TaskSkipped'] });
    expect(queryPayload({ state: undefined })).toEqual({});
  });

  it('refuses an empty value (it would read as no filter at all) with VALIDATION naming the parameter', () => {
    const refusal = (query: Record<string, unknown>, options = {}) => {
      try {
        queryPayload(query, options);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    expect(refusal({ taskId: '' })).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('"taskId"'), details: { issues: [{ path: 'taskId', message: 'empty value' }] } });
    expect(refusal({ types: ',' }, { lists: ['types'] })).toMatchObject({ code: 'VALIDATION', details: { issues: [{ path: 'types' }] } });
    expect(refusal({ limit: '' }, { numeric: ['limit'] })).toMatchObject({ code: 'VALIDATION', details: { issues: [{ path: 'limit' }] } });
  });

  it('reads flags: true and false as booleans, a flag given bare as set, anything else left for the schema', () => {
    const flags = { flags: ['cancelPending'] };
    expect(queryPayload({ cancelPending: 'true' }, flags)).toEqual({ cancelPending: true });
    expect(queryPayload({ cancelPending: 'false' }, flags)).toEqual({ cancelPending: false });
    expect(queryPayload({ cancelPending: '' }, flags)).toEqual({ cancelPending: true });
    expect(queryPayload({ cancelPending: 'yes' }, flags)).toEqual({ cancelPending: 'yes' });
  });
});

describe('bodyWith', () => {
  it('adds the path ids to an object body, the path winning', () => {
    expect(bodyWith({ note: 'x', taskId: 'other' }, { taskId: 't1' })).toEqual({ note: 'x', taskId: 't1' });
    expect(bodyWith(undefined, { taskId: 't1' })).toEqual({ taskId: 't1' });
    expect(bodyWith({}, { taskId: 't1' })).toEqual({ taskId: 't1' });
  });

  it('passes a body that is not an object on unchanged, for the handler to refuse', () => {
    expect(bodyWith([1, 2], { taskId: 't1' })).toEqual([1, 2]);
    expect(bodyWith('text', { taskId: 't1' })).toBe('text');
  });
});
