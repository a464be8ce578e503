import { MAX_TIMER_DELAY_MS, type Clock, type TimerHandle } from './clock';

interface PendingTimer {
  readonly id: number;
  readonly dueMono: number;
  readonly callback: () => void;
}

/**
 * A clock for tests. `advance` moves wall and monotonic time together and runs the timers that come due in order,
 * each seeing the clock at its own due time (as a real event loop would); `setWall` steps the wall clock alone, which
 * is what NTP or an operator does to a real machine. Delays Node would mishandle (negative, NaN, above 2^31-1) throw,
 * so a test catches a driver that would overflow setTimeout.
 */
export class ManualClock implements Clock {
  private wall: number;
  private mono: number;
  private nextId = 1;
  private timers: PendingTimer[] = [];
  /** Longest delay ever passed to setTimer and how many timers were armed, for assertions on capping and churn. */
  maxRequestedDelay = 0;
  timersArmed = 0;

  constructor(wallMs = Date.UTC(2025, 0, 1), monotonicMs = 1_000) {
    this.wall = wallMs;
    this.mono = monotonicMs;
  }

  now(): number {
    return this.wall;
  }

  monotonic(): number {
    return this.mono;
  }

  setTimer(callback: () => void, delayMs: number): TimerHandle {
    if (!(delayMs >= 0 && delayMs <= MAX_TIMER_DELAY_MS)) {
      throw new RangeError(`timer delay ${delayMs} ms is outside [0, ${MAX_TIMER_DELAY_MS}]`);
    }
    this.maxRequestedDelay = Math.max(this.maxRequestedDelay, delayMs);
    this.timersArmed += 1;
    const timer = { id: this.nextId++, dueMono: this.mono + delayMs, callback };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimer(handle: TimerHandle): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  }

  /** Timers armed and not yet run. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Moves both clocks forward by `ms`, running every timer that comes due on the way (even ones armed meanwhile). */
  advance(ms: number): void {
    const targetMono = this.mono + ms;
    for (;;) {
      const next = this.earliest();
      if (next === undefined || next.dueMono > targetMono) break;
      this.timers = this.timers.filter((timer) => timer !== next);
      this.step(next.dueMono - this.mono);
      next.callback();
    }
    this.step(targetMono - this.mono);
  }

  /** Moves both clocks to wall time `wallMs` (forward only), running timers on the way. */
  advanceTo(wallMs: number): void {
    this.advance(Math.max(0, wallMs - this.wall));
  }

  /** Steps the wall clock alone (a jump forward or back); the monotonic clock and armed timers are unaffected. */
  setWall(wallMs: number): void {
    this.wall = wallMs;
  }

  private step(ms: number): void {
    this.wall += ms;
    this.mono += ms;
  }

  /** Earliest timer; equal due times run in the order they were armed, as in Node. */
  private earliest(): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const timer of this.timers) {
      if (!best || timer.dueMono < best.dueMono || (timer.dueMono === best.dueMono && timer.id < best.id)) best = timer;
    }
    return best;
  }
}
