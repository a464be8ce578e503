import type { ScheduleSpec } from '@sched/contracts';
import { fireInstant } from './schedule.jitter';
import { countOccurrences, firedCountsSince, nextFires, nextOccurrences, remainingOccurrences } from './next-fires';
import { occurrencesBetween } from './schedule.occurrences';

const ms = (iso: string) => Date.parse(iso);
const isoOf = (t: number) => new Date(t).toISOString();
const T0 = ms('2025-06-02T00:00:00Z'); // a Monday
const everyMinute: ScheduleSpec = { type: 'interval', everyMs: 60_000, offsetMs: 0 };
const every90s: ScheduleSpec = { type: 'interval', everyMs: 90_000, offsetMs: 0 };

describe('nextFires', () => {
  it('merges several specs ascending and counts a shared instant once', () => {
    expect(nextFires([everyMinute, every90s], T0, 6).map((t) => (t - T0) / 1000)).toEqual([60, 90, 120, 180, 240, 270]);
  });

  it('mixes cron, interval and one-shot specs', () => {
    const specs: ScheduleSpec[] = [
      { type: 'cron', expression: '0 9 * * MON-FRI', timezone: 'Europe/Berlin' },
      { type: 'once', at: '2025-06-02T12:00:00.000Z' },
      { type: 'interval', everyMs: 86_400_000, offsetMs: 18 * 3_600_000 }, // daily at 18:00 UTC
    ];
    expect(nextFires(specs, T0, 5).map(isoOf)).toEqual([
      '2025-06-02T07:00:00.000Z',
      '2025-06-02T12:00:00.000Z',
      '2025-06-02T18:00:00.000Z',
      '2025-06-03T07:00:00.000Z',
      '2025-06-03T18:00:00.000Z',
    ]);
  });

  it('equals the sorted union of each spec’s own occurrences', () => {
    const specs: ScheduleSpec[] = [
      { type: 'interval', everyMs: 7000, offsetMs: 3000 },
      { type: 'cron', expression: '*/10 * * * * *', timezone: 'UTC' },
      { type: 'interval', everyMs: 15_000, offsetMs: 0, startAt: isoOf(T0 + 60_000), endAt: isoOf(T0 + 240_000) },
    ];
    const merged = nextFires(specs, T0, 100);
    const last = merged[merged.length - 1];
    const union = [...new Set(specs.flatMap((spec) => occurrencesBetween(spec, T0, last, 1000)))].sort((a, b) => a - b);
    expect(merged).toEqual(union);
  });

  it('stops when every spec is exhausted, and returns nothing for count 0 or no specs', () => {
    const once: ScheduleSpec = { type: 'once', at: isoOf(T0 + 1000) };
    expect(nextFires([once], T0, 10)).toEqual([T0 + 1000]);
    expect(nextFires([once], T0 + 1000, 10)).toEqual([]);
    expect(nextFires([everyMinute], T0, 0)).toEqual([]);
    expect(nextFires([], T0, 10)).toEqual([]);
  });

  it('applies maxFires per spec, given how often each has fired', () => {
    const limited: ScheduleSpec = { ...every90s, maxFires: 3 };
    expect(nextFires([limited], T0, 10).length).toBe(3);
    expect(nextFires([limited], T0, 10, [2]).length).toBe(1);
    expect(nextFires([limited], T0, 10, [3])).toEqual([]);
    // a limited spec stops contributing; the other continues
    const merged = nextFires([{ ...everyMinute, maxFires: 2 }, every90s], T0, 5, [0, 0]);
    expect(merged.map((t) => (t - T0) / 1000)).toEqual([60, 90, 120, 180, 270]);
  });
});

describe('nextOccurrences', () => {
  it('says which specs produced a shared instant and uses the smallest jitter', () => {
    const specs: ScheduleSpec[] = [
      { ...everyMinute, jitterMs: 20_000 },
      { ...every90s, jitterMs: 5_000 },
    ];
    const [first, second, , shared] = nextOccurrences(specs, T0, 4);
    expect(first).toEqual({ atMs: T0 + 60_000, specIndexes: [0], jitterMs: 20_000 });
    expect(second).toEqual({ atMs: T0 + 90_000, specIndexes: [1], jitterMs: 5_000 });
    expect(shared).toEqual({ atMs: T0 + 180_000, specIndexes: [0, 1], jitterMs: 5_000 });
    // both specs count the shared occurrence against their own maxFires
    expect(nextOccurrences([{ ...specs[0], maxFires: 3 }, specs[1]], T0, 10).filter((o) => o.specIndexes.includes(0))).toHaveLength(3);
    const fire = fireInstant('t1', shared, shared.atMs);
    expect(fire - shared.atMs).toBeGreaterThanOrEqual(0);
    expect(fire - shared.atMs).toBeLessThan(5_000);
  });
});

describe('countOccurrences of one interval (by arithmetic)', () => {
  /** The occurrences walked one by one, as for any other spec. */
  const walked = (spec: ScheduleSpec, fromMs: number, toMs: number): number => {
    let count = 0;
    for (let at = nextFires([spec], fromMs, 1)[0]; at !== undefined && at <= toMs; at = nextFires([spec], at, 1)[0]) count += 1;
    return count;
  };

  it('counts what walking the occurrences counts, windows, offsets and bounds included', () => {
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31), seed % n);
    for (let i = 0; i < 300; i++) {
      const everyMs = 1000 * (1 + random(10));
      const startAt = random(2) ? new Date(random(60_000)).toISOString() : undefined;
      const endAt = random(2) ? new Date(30_000 + random(60_000)).toISOString() : undefined;
      const spec: ScheduleSpec = { type: 'interval', everyMs, offsetMs: random(everyMs), ...(startAt ? { startAt } : {}), ...(endAt ? { endAt } : {}) };
      const fromMs = random(60_000) - 10_000;
      const toMs = fromMs + random(80_000);
      expect([i, countOccurrences([spec], fromMs, toMs, 1_000_000)]).toEqual([i, walked(spec, fromMs, toMs)]);
    }
  });

  it('counts a day of a 1 s interval at once, capped by limit and maxFires', () => {
    const spec: ScheduleSpec = { type: 'interval', everyMs: 1000, offsetMs: 0 };
    expect(countOccurrences([spec], 0, 86_400_000, Infinity)).toBe(86_400);
    expect(countOccurrences([spec], 0, 86_400_000, 500)).toBe(500);
    expect(countOccurrences([{ ...spec, maxFires: 42 }], 0, 86_400_000, Infinity)).toBe(42);
  });
});

describe('maxFires, counted from when the schedule was set', () => {
  const spec = { type: 'interval' as const, everyMs: 1000, offsetMs: 0, maxFires: 3 };
  it('counts the occurrences since the anchor, capped at maxFires', () => {
    expect(firedCountsSince([spec], 10_000, 11_500)).toEqual([1]);
    expect(firedCountsSince([spec], 10_000, 99_000)).toEqual([3]);
    expect(countOccurrences([spec], 10_000, 13_000, 100)).toBe(3);
  });
  it('remainingOccurrences counts the spent fires from when the schedules were set', () => {
    expect(remainingOccurrences([spec], 10_000, 12_000, 5).map((o) => o.atMs)).toEqual([13_000]);
    expect(remainingOccurrences([spec], 10_000, 13_000, 5)).toEqual([]);
    expect(remainingOccurrences([spec], 12_500, 13_000, 5).map((o) => o.atMs)).toEqual([14_000, 15_000]);
  });

  it('stops after maxFires occurrences', () => {
    const after = 12_000;
    const next = nextOccurrences([spec], after, 5, firedCountsSince([spec], 10_000, after)).map((o) => o.atMs);
    expect(next).toEqual([13_000]);
    expect(nextOccurrences([spec], 13_000, 5, firedCountsSince([spec], 10_000, 13_000))).toEqual([]);
  });
});
