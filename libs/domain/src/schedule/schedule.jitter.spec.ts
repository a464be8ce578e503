import { fireInstant, jitterFor } from './schedule.jitter';

describe('deterministic jitter', () => {
  it('is a pure function of task id and nominal instant (pinned: every timer version must agree)', () => {
    expect(jitterFor('report', 1_750_000_000_000, 60_000)).toBe(44_219);
    expect(jitterFor('report', 1_750_000_060_000, 60_000)).toBe(1_460);
    expect(jitterFor('t-42', 0, 3_600_000)).toBe(2_573_830);
    expect(fireInstant('a', { jitterMs: 1000 }, 5000)).toBe(5000 + 238);
    expect(fireInstant('report', { jitterMs: 60_000 }, 1_750_000_000_000)).toBe(1_750_000_000_000 + 44_219);
  });

  it('adds nothing without jitter', () => {
    expect(fireInstant('a', {}, 5000)).toBe(5000);
    expect(fireInstant('a', { jitterMs: 0 }, 5000)).toBe(5000);
  });

  it('stays a whole number of ms in [0, jitterMs) and spreads evenly', () => {
    const jitterMs = 10_000;
    const buckets = new Array<number>(10).fill(0);
    for (let k = 0; k < 20_000; k++) {
      const nominal = 1_700_000_000_000 + k * 60_000;
      const jitter = fireInstant(`task-${k % 97}`, { jitterMs }, nominal) - nominal;
      expect(Number.isInteger(jitter)).toBe(true);
      expect(jitter).toBeGreaterThanOrEqual(0);
      expect(jitter).toBeLessThan(jitterMs);
      buckets[Math.floor(jitter / 1000)] += 1;
    }
    for (const count of buckets) expect(Math.abs(count - 2000)).toBeLessThan(300);
  });

  it('differs between tasks and between occurrences of one task', () => {
    const values = new Set<number>();
    for (let k = 0; k < 100; k++) values.add(jitterFor(`task-${k}`, 1_700_000_000_000, 3_600_000));
    for (let k = 0; k < 100; k++) values.add(jitterFor('task-0', 1_700_000_000_000 + k * 1000, 3_600_000));
    expect(values.size).toBeGreaterThan(190);
  });

  it('never exceeds a 1 ms jitter window', () => {
    for (let k = 0; k < 1000; k++) expect(jitterFor(`t${k}`, k, 1)).toBe(0);
  });
});
