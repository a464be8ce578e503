import { MAX_TIMER_DELAY_MS } from './clock';
import { ManualClock } from './manual-clock';

describe('ManualClock', () => {
  it('runs due timers in order, each seeing the clock at its own due time', () => {
    const clock = new ManualClock(1_000_000, 0);
    const seen: Array<[string, number, number]> = [];
    clock.setTimer(() => seen.push(['b', clock.now(), clock.monotonic()]), 200);
    clock.setTimer(() => {
      seen.push(['a', clock.now(), clock.monotonic()]);
      clock.setTimer(() => seen.push(['c', clock.now(), clock.monotonic()]), 50); // armed during advance
    }, 100);
    const cleared = clock.setTimer(() => seen.push(['x', 0, 0]), 120);
    clock.clearTimer(cleared);
    clock.advance(1000);
    expect(seen).toEqual([
      ['a', 1_000_100, 100],
      ['c', 1_000_150, 150],
      ['b', 1_000_200, 200],
    ]);
    expect(clock.now()).toBe(1_001_000);
    expect(clock.pendingTimers).toBe(0);
  });

  it('steps the wall clock alone; timers follow monotonic time', () => {
    const clock = new ManualClock(1_000_000, 0);
    let ranAt: number | undefined;
    clock.setTimer(() => (ranAt = clock.monotonic()), 100);
    clock.setWall(5_000_000);
    expect(clock.now()).toBe(5_000_000);
    clock.advance(99);
    expect(ranAt).toBeUndefined();
    clock.advance(1);
    expect(ranAt).toBe(100);
    expect(clock.now()).toBe(5_000_100);
  });

  it('refuses delays setTimeout would mishandle', () => {
    const clock = new ManualClock();
    expect(() => clock.setTimer(() => {}, MAX_TIMER_DELAY_MS + 1)).toThrow(RangeError);
    expect(() => clock.setTimer(() => {}, -1)).toThrow(RangeError);
    expect(() => clock.setTimer(() => {}, NaN)).toThrow(RangeError);
    expect(() => clock.setTimer(() => {}, MAX_TIMER_DELAY_MS)).not.toThrow();
  });
});
