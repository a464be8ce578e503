import { MAX_TIMER_DELAY_MS, systemClock } from './clock';
import { ManualClock } from './manual-clock';
import { TimerDriver, type TimerDriverOptions } from './timer-driver';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Fired {
  readonly key: string;
  readonly dueMs: number;
  readonly firedAt: number;
}

function setup(options: TimerDriverOptions = {}) {
  const clock = new ManualClock();
  const fired: Fired[] = [];
  const batches: string[][] = [];
  const driver = new TimerDriver<string>(
    clock,
    (entries) => {
      batches.push(entries.map((e) => e.key));
      for (const e of entries) fired.push({ key: e.key, dueMs: e.dueMs, firedAt: clock.now() });
    },
    options,
  );
  driver.start();
  return { clock, driver, fired, batches, t0: clock.now() };
}

describe('TimerDriver', () => {
  it('fires entries in due order, on time, with one platform timer', () => {
    const { clock, driver, fired, t0 } = setup();
    const offsets = [5000, 100, 2500, 100_000, 42, 7 * 60_000];
    offsets.forEach((offset, i) => driver.schedule(`k${i}`, t0 + offset, `v${i}`));
    expect(clock.pendingTimers).toBe(1);
    for (let elapsed = 0; elapsed < 10 * 60_000; elapsed += 1000) {
      clock.advance(1000);
      expect(clock.pendingTimers).toBeLessThanOrEqual(1);
    }
    expect(fired.map((f) => f.dueMs - t0)).toEqual([...offsets].sort((a, b) => a - b));
    for (const f of fired) expect(f.firedAt).toBe(f.dueMs);
  });

  it('does not re-arm the platform timer for entries later than the armed wake', () => {
    const { clock, driver, t0 } = setup();
    driver.schedule('first', t0 + 1000, 'first');
    for (let i = 0; i < 1000; i++) driver.schedule(`k${i}`, t0 + 2000 + i, 'later');
    for (let i = 0; i < 500; i++) driver.cancel(`k${i}`);
    expect(clock.timersArmed).toBe(1);
    driver.schedule('earlier', t0 + 500, 'earlier');
    expect(clock.timersArmed).toBe(2);
    expect(clock.pendingTimers).toBe(1);
  });

  it('hands every entry due at the same instant to one onDue call', () => {
    const { clock, driver, batches, t0 } = setup();
    driver.schedule('a', t0 + 1000, 'a');
    driver.schedule('b', t0 + 1000, 'b');
    driver.schedule('c', t0 + 2000, 'c');
    clock.advance(5000);
    expect(batches).toEqual([['a', 'b'], ['c']]);
  });

  it('splits a backlog into batches on successive ticks', () => {
    const { clock, driver, batches, t0 } = setup({ batchSize: 2 });
    for (const key of ['a', 'b', 'c', 'd', 'e']) driver.schedule(key, t0 + 10, key);
    clock.advance(10);
    expect(batches).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('re-arms for an earlier entry, and skips cancelled and rescheduled ones', () => {
    const { clock, driver, fired, t0 } = setup();
    driver.schedule('late', t0 + 50_000, 'late');
    driver.schedule('early', t0 + 1_000, 'early');
    driver.schedule('gone', t0 + 2_000, 'gone');
    driver.schedule('moved', t0 + 3_000, 'moved');
    expect(driver.cancel('gone')).toBe(true);
    driver.schedule('moved', t0 + 60_000, 'moved');
    clock.advance(2 * 60_000);
    expect(fired.map((f) => [f.key, f.firedAt - t0])).toEqual([
      ['early', 1_000],
      ['late', 50_000],
      ['moved', 60_000],
    ]);
    expect(driver.size).toBe(0);
  });

  it('lets onDue schedule the next occurrence (a periodic schedule)', () => {
    const clock = new ManualClock();
    const t0 = clock.now();
    const fires: number[] = [];
    const driver: TimerDriver<number> = new TimerDriver<number>(clock, (entries) => {
      for (const e of entries) {
        fires.push(e.dueMs - t0);
        if (e.value < 9) driver.schedule(e.key, e.dueMs + 1000, e.value + 1);
      }
    });
    driver.schedule('tick', t0 + 1000, 0);
    driver.start();
    clock.advance(20_000);
    expect(fires).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((s) => s * 1000));
    expect(clock.pendingTimers).toBe(0);
  });

  it('waits 30 and 400 days without a setTimeout delay above the 60 s cap (never near 2^31-1 ms)', () => {
    const { clock, driver, fired, t0 } = setup();
    driver.schedule('month', t0 + 30 * DAY + 123, 'month');
    driver.schedule('year', t0 + 400 * DAY, 'year');
    clock.advance(30 * DAY);
    expect(fired).toEqual([]);
    clock.advance(400 * DAY);
    expect(fired.map((f) => [f.key, f.firedAt - f.dueMs])).toEqual([
      ['month', 0],
      ['year', 0],
    ]);
    expect(clock.maxRequestedDelay).toBe(60_000);
    expect(clock.maxRequestedDelay).toBeLessThan(MAX_TIMER_DELAY_MS);
    // one wake per capped minute, not a timer per entry
    expect(clock.timersArmed).toBeLessThanOrEqual((430 * DAY) / 60_000 + 3);
  });

  it('fires what became due after a wall-clock jump forward, within one capped wake or at once on check()', () => {
    const jumps: number[] = [];
    const { clock, driver, fired, t0 } = setup({ onClockJump: (skew) => jumps.push(skew) });
    driver.schedule('in-1h', t0 + HOUR, 'a');
    driver.schedule('in-3h', t0 + 3 * HOUR, 'b');
    clock.setWall(t0 + 2 * HOUR); // NTP step or operator: 2 h forward, no monotonic time passes
    clock.advance(60_000);
    expect(fired.map((f) => f.key)).toEqual(['in-1h']);
    expect(jumps).toEqual([2 * HOUR]);

    clock.setWall(clock.now() + 2 * HOUR);
    driver.check();
    expect(fired.map((f) => f.key)).toEqual(['in-1h', 'in-3h']);
    for (const f of fired) expect(f.firedAt).toBeGreaterThanOrEqual(f.dueMs);
  });

  it('fires on time when the wall clock is stepped forward a little while it waits, in a handful of wakes', () => {
    const { clock, driver, fired, t0 } = setup();
    driver.schedule('in-10s', t0 + 10_000, 'a');
    clock.advance(5_000);
    clock.setWall(clock.now() + 70); // a VM clock corrected by 70 ms: no monotonic time passes
    clock.advance(10_000);
    expect(fired.map((f) => [f.key, f.firedAt - f.dueMs])).toEqual([['in-10s', 0]]); // one 10 s timer: 70 ms late
    const { clock: quiet, driver: alone, fired: firedAlone, t0: start } = setup();
    alone.schedule('in-60s', start + 60_000, 'b');
    quiet.advance(60_000);
    expect(firedAlone.map((f) => f.firedAt - f.dueMs)).toEqual([0]);
    expect(quiet.timersArmed).toBeLessThanOrEqual(14); // halving from 60 s down to the last 16 ms
  });

  it('never fires early after a wall-clock jump back: it fires when the wall clock reaches the due time', () => {
    const jumps: number[] = [];
    const { clock, driver, fired, t0 } = setup({ onClockJump: (skew) => jumps.push(skew) });
    driver.schedule('k', t0 + 10_000, 'k');
    clock.setWall(t0 - HOUR);
    clock.advance(10_000); // the armed setTimeout expires, but the wall clock says 59m50s remain
    expect(fired).toEqual([]);
    expect(jumps).toEqual([-HOUR]);
    clock.advance(HOUR - 1);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual([{ key: 'k', dueMs: t0 + 10_000, firedAt: t0 + 10_000 }]);
  });

  it('fires nothing while stopped and catches up on start, on the next tick rather than inside start()', () => {
    const { clock, driver, fired, t0 } = setup();
    driver.schedule('k', t0 + 1000, 'k');
    driver.stop();
    expect(clock.pendingTimers).toBe(0);
    clock.advance(5000);
    expect(fired).toEqual([]);
    driver.start();
    expect(fired).toEqual([]);
    clock.advance(0);
    expect(fired.map((f) => [f.key, f.firedAt - f.dueMs])).toEqual([['k', 4000]]);
  });

  it('fires random schedules in order and on time, never early', () => {
    const { clock, driver, fired, t0 } = setup();
    let seed = 7;
    const rnd = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    for (let i = 0; i < 2000; i++) driver.schedule(`k${i}`, t0 + Math.floor(rnd() * 2 * DAY), `k${i}`);
    clock.advance(2 * DAY);
    expect(fired).toHaveLength(2000);
    expect(fired.every((f, i) => f.firedAt === f.dueMs && (i === 0 || f.dueMs >= fired[i - 1].dueMs))).toBe(true);
  });

  it('rejects a cap at or above the setTimeout limit', () => {
    expect(() => new TimerDriver(new ManualClock(), () => {}, { maxDelayMs: 2 ** 31 })).toThrow(RangeError);
  });
});

describe('systemClock', () => {
  it('runs a real timer and a monotonic clock', async () => {
    const start = systemClock.monotonic();
    await new Promise<void>((resolve) => systemClock.setTimer(resolve, 5));
    expect(systemClock.monotonic() - start).toBeGreaterThanOrEqual(4);
    expect(Math.abs(systemClock.now() - Date.now())).toBeLessThan(50);
    let ran = false;
    const handle = systemClock.setTimer(() => (ran = true), 1);
    systemClock.clearTimer(handle);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(ran).toBe(false);
  });
});
