import type { IntervalSchedule, OnceSchedule, ScheduleSpec } from '@sched/contracts';
import { firesRemaining, nextFireAfter, occurrencesBetween } from './schedule.occurrences';

const ms = (iso: string) => Date.parse(iso);
const every = (everyMs: number, offsetMs = 0, extra: Partial<IntervalSchedule> = {}): IntervalSchedule => ({
  type: 'interval',
  everyMs,
  offsetMs,
  ...extra,
});

describe('interval occurrences', () => {
  it('are anchored on the Unix epoch, whatever the query time', () => {
    expect(nextFireAfter(every(60_000), 0)).toBe(60_000);
    expect(nextFireAfter(every(60_000), 59_999)).toBe(60_000);
    expect(nextFireAfter(every(60_000), ms('2025-06-01T12:34:56.789Z'))).toBe(ms('2025-06-01T12:35:00Z'));
  });

  it('are strictly after the given instant', () => {
    expect(nextFireAfter(every(60_000), 60_000)).toBe(120_000);
    expect(nextFireAfter(every(1000), ms('2025-06-01T00:00:00Z'))).toBe(ms('2025-06-01T00:00:01Z'));
  });

  it('shift by the phase offset', () => {
    const spec = every(3_600_000, 15 * 60_000); // hourly at :15
    expect(nextFireAfter(spec, ms('2025-06-01T10:00:00Z'))).toBe(ms('2025-06-01T10:15:00Z'));
    expect(nextFireAfter(spec, ms('2025-06-01T10:15:00Z'))).toBe(ms('2025-06-01T11:15:00Z'));
    expect(nextFireAfter(spec, ms('2025-06-01T10:20:00Z'))).toBe(ms('2025-06-01T11:15:00Z'));
  });

  it('work for periods that do not divide a day (7 s grid)', () => {
    const spec = every(7000, 3000);
    const next = nextFireAfter(spec, ms('2025-06-01T00:00:00Z'))!;
    expect((next - 3000) % 7000).toBe(0);
    expect(next - ms('2025-06-01T00:00:00Z')).toBeGreaterThan(0);
    expect(next - ms('2025-06-01T00:00:00Z')).toBeLessThanOrEqual(7000);
  });

  it('start at startAt (inclusive) when it is later than the query', () => {
    const spec = every(60_000, 0, { startAt: '2025-06-01T10:00:00.000Z' });
    expect(nextFireAfter(spec, 0)).toBe(ms('2025-06-01T10:00:00Z'));
    expect(nextFireAfter(every(60_000, 0, { startAt: '2025-06-01T10:00:00.001Z' }), 0)).toBe(ms('2025-06-01T10:01:00Z'));
    expect(nextFireAfter(spec, ms('2025-06-01T10:00:00Z'))).toBe(ms('2025-06-01T10:01:00Z'));
  });

  it('stop after endAt (inclusive)', () => {
    const spec = every(60_000, 0, { endAt: '2025-06-01T10:00:00.000Z' });
    expect(nextFireAfter(spec, ms('2025-06-01T09:59:30Z'))).toBe(ms('2025-06-01T10:00:00Z'));
    expect(nextFireAfter(spec, ms('2025-06-01T10:00:00Z'))).toBeUndefined();
    expect(nextFireAfter(spec, ms('2026-01-01T00:00:00Z'))).toBeUndefined();
  });
});

describe('one-shot occurrences', () => {
  const once: OnceSchedule = { type: 'once', at: '2030-01-01T08:00:00.000Z' };

  it('happen once, strictly after the query instant', () => {
    expect(nextFireAfter(once, 0)).toBe(ms('2030-01-01T08:00:00Z'));
    expect(nextFireAfter(once, ms('2030-01-01T07:59:59.999Z'))).toBe(ms('2030-01-01T08:00:00Z'));
    expect(nextFireAfter(once, ms('2030-01-01T08:00:00Z'))).toBeUndefined();
  });

  it('respect the window', () => {
    expect(nextFireAfter({ ...once, startAt: '2030-01-01T08:00:00.000Z' }, 0)).toBe(ms(once.at));
    expect(nextFireAfter({ ...once, endAt: '2030-01-01T08:00:00.000Z' }, 0)).toBe(ms(once.at));
    expect(nextFireAfter({ ...once, endAt: '2029-12-31T00:00:00.000Z' }, 0)).toBeUndefined();
    expect(nextFireAfter({ ...once, startAt: '2030-01-01T08:00:00.001Z' }, 0)).toBeUndefined();
  });
});

describe('occurrencesBetween', () => {
  const spec = every(60_000);

  it('lists nominal instants in (from, to], ascending', () => {
    expect(occurrencesBetween(spec, 0, 180_000, 100)).toEqual([60_000, 120_000, 180_000]);
    expect(occurrencesBetween(spec, 60_000, 179_999, 100)).toEqual([120_000]);
    expect(occurrencesBetween(spec, 1, 59_999, 100)).toEqual([]);
  });

  it('stops at the limit (resume from the last element)', () => {
    const first = occurrencesBetween(spec, 0, 600_000, 4);
    expect(first).toEqual([60_000, 120_000, 180_000, 240_000]);
    expect(occurrencesBetween(spec, first[3], 600_000, 4)).toEqual([300_000, 360_000, 420_000, 480_000]);
    expect(occurrencesBetween(spec, 0, 600_000, 0)).toEqual([]);
  });

  it('clips to the window and handles one-shots and crons', () => {
    const windowed = every(60_000, 0, { startAt: new Date(120_000).toISOString(), endAt: new Date(240_000).toISOString() });
    expect(occurrencesBetween(windowed, 0, 1e9, 100)).toEqual([120_000, 180_000, 240_000]);
    const once: ScheduleSpec = { type: 'once', at: new Date(90_000).toISOString() };
    expect(occurrencesBetween(once, 0, 1e9, 100)).toEqual([90_000]);
    const cron: ScheduleSpec = { type: 'cron', expression: '0 */6 * * *', timezone: 'UTC' };
    expect(occurrencesBetween(cron, ms('2025-06-01T00:00:00Z'), ms('2025-06-02T00:00:00Z'), 100).map((t) => new Date(t).toISOString())).toEqual([
      '2025-06-01T06:00:00.000Z',
      '2025-06-01T12:00:00.000Z',
      '2025-06-01T18:00:00.000Z',
      '2025-06-02T00:00:00.000Z',
    ]);
  });
});

describe('firesRemaining', () => {
  it('is unlimited without maxFires and counts down to zero with it', () => {
    expect(firesRemaining(every(1000), 1e9)).toBe(Infinity);
    expect(firesRemaining(every(1000, 0, { maxFires: 3 }), 1)).toBe(2);
    expect(firesRemaining(every(1000, 0, { maxFires: 3 }), 5)).toBe(0);
  });
});
