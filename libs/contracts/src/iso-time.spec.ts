import { backfillTaskPayloadSchema } from './commands/task-commands';
import { endsAfter, isoTime } from './iso-time';

describe('isoTime', () => {
  it('gives what toISOString gives, for repeated and alternating instants', () => {
    for (const ms of [0, 0, 1_700_000_000_123, 1_700_000_000_123, 1_700_000_000_124, 0, -1]) {
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it('throws on an invalid time and then still answers', () => {
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
    expect(isoTime(5)).toBe('1970-01-01T00:00:00.005Z');
  });
});

describe('a range of instants (endsAfter)', () => {
  it('is refused only when both instants read and the end is not after the start', () => {
    expect(endsAfter('2030-01-01T00:00:00Z', '2030-01-02T00:00:00Z')).toBe(true);
    expect(endsAfter('2030-01-02T00:00:00Z', '2030-01-01T00:00:00Z')).toBe(false);
    expect(endsAfter('2030-01-01T00:00:00Z', '2030-01-01T00:00:00Z')).toBe(false);
  });

  it('adds no range error to a backfill whose instants do not read: each field says its own', () => {
    const parsed = backfillTaskPayloadSchema.safeParse({ taskId: 't', from: 'x', to: 'y' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['from', 'to']);
    expect(backfillTaskPayloadSchema.safeParse({ taskId: 't', from: '2030-01-02T00:00:00Z', to: '2030-01-01T00:00:00Z' }).error?.issues[0]).toMatchObject({ path: ['to'], message: 'from must be before to' });
  });
});
