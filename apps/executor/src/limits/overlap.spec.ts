import { dueOf } from '../testing/scheduled-execution';
import { linePlaceOf } from './overlap';

describe("linePlaceOf: which executions wait in their task's line, and at what place", () => {
  const at = Date.parse('2030-01-01T00:00:00.000Z');
  const scheduledAt = new Date(at).toISOString();

  it('under queue (the default) with a limit: its instant, for a retry too (it keeps its place)', () => {
    expect(linePlaceOf(dueOf({ scheduledAt, maxConcurrent: 1 }), 1)).toBe(at);
    expect(linePlaceOf(dueOf({ scheduledAt, maxConcurrent: 3, overlap: 'queue' }), 2)).toBe(at);
    expect(linePlaceOf(dueOf({ scheduledAt, overlap: 'queue' }), 1)).toBe(at); // overlap alone: a limit of 1
  });

  it('without a limit, or under another policy: none (those come back by themselves)', () => {
    expect(linePlaceOf(dueOf({ scheduledAt }), 1)).toBeUndefined();
    for (const overlap of ['skip', 'buffer-one', 'cancel-other'] as const) expect(linePlaceOf(dueOf({ scheduledAt, maxConcurrent: 1, overlap }), 1)).toBeUndefined();
  });
});
