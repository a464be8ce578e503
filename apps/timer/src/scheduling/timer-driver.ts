import { MAX_TIMER_DELAY_MS, type Clock, type TimerHandle } from './clock';
import { TimerQueue, type TimerEntry } from './timer-queue';

export interface TimerDriverOptions {
  /**
   * Longest single platform timer (default 60 s). Bounds how long a wall-clock jump forward goes unnoticed, and keeps
   * every delay far below setTimeout's 2^31-1 ms limit, past which Node fires after 1 ms instead.
   */
  readonly maxDelayMs?: number;
  /** Most entries handed to one onDue call; the rest follow on the next tick so a backlog does not block the loop. */
  readonly batchSize?: number;
  /** Wall-clock steps (measured against the monotonic clock between wakes) above this are reported. Default 1 s. */
  readonly jumpThresholdMs?: number;
  /** Told about a wall-clock step: positive = jumped forward (entries may fire late), negative = jumped back. */
  readonly onClockJump?: (skewMs: number) => void;
}

export const DEFAULT_MAX_DELAY_MS = 60_000;
/** The last stretch before a due time waited in one platform timer (see arm). */
export const FINAL_APPROACH_MS = 16;

/**
 * Fires keyed entries at wall-clock instants using ONE platform timer, armed for the earliest entry, whatever the
 * number of entries (1M schedules must not mean 1M setTimeouts).
 *
 * Due times are wall-clock epoch ms (schedules are defined in wall time), but setTimeout counts monotonic time, so
 * the two drift apart when the wall clock is stepped. Hence every wake re-reads the wall clock and fires exactly the
 * entries whose due time has passed on it: after a jump forward the newly due entries fire on the next wake (at
 * most maxDelayMs later, or at once via `check()`); after a jump back nothing fires early, the driver re-arms.
 *
 * `onDue` runs synchronously on the timer's turn; it may schedule and cancel entries (the driver re-arms once it
 * returns) and must not throw.
 */
export class TimerDriver<T, K = string> {
  private readonly queue = new TimerQueue<T, K>();
  private readonly maxDelayMs: number;
  private readonly batchSize: number;
  private readonly jumpThresholdMs: number;
  private handle: TimerHandle | undefined;
  /** Monotonic instant the armed timer will wake at (Infinity when none is armed). */
  private wakeAtMono = Infinity;
  private running = false;
  private dispatching = false;
  private lastWall = 0;
  private lastMono = 0;

  constructor(
    private readonly clock: Clock,
    private readonly onDue: (entries: TimerEntry<T, K>[]) => void,
    private readonly options: TimerDriverOptions = {},
  ) {
    this.maxDelayMs = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
    if (!(this.maxDelayMs >= 1 && this.maxDelayMs <= MAX_TIMER_DELAY_MS)) {
      throw new RangeError(`maxDelayMs must be within [1, ${MAX_TIMER_DELAY_MS}]`);
    }
    this.batchSize = options.batchSize ?? Infinity;
    this.jumpThresholdMs = options.jumpThresholdMs ?? 1000;
  }

  get size(): number {
    return this.queue.size;
  }

  /** Due time of the earliest entry. */
  get nextDueMs(): number | undefined {
    return this.queue.peekDue();
  }

  has(key: K): boolean {
    return this.queue.has(key);
  }

  get(key: K): TimerEntry<T, K> | undefined {
    return this.queue.get(key);
  }

  /** Starts firing; entries already due fire on the next turn of the event loop, not inside this call. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.sampleClocks();
    this.arm();
  }

  stop(): void {
    this.running = false;
    this.disarm();
  }

  /** Adds or reschedules an entry; an entry earlier than the armed wake re-arms the one timer. */
  schedule(key: K, dueMs: number, value: T): void {
    this.queue.set(key, dueMs, value);
    this.arm();
  }

  /**
   * Removes an entry. The armed timer is left alone: waking for nothing costs one tick, while re-arming on every
   * removal would churn the platform timer when many schedules are deleted at once.
   */
  cancel(key: K): boolean {
    return this.queue.remove(key);
  }

  /** Fires what is due now, e.g. when told the wall clock was stepped. No-op while stopped or inside onDue. */
  check(): void {
    if (!this.running || this.dispatching) return;
    this.disarm();
    this.tick();
  }

  private readonly onTimer = (): void => {
    this.handle = undefined;
    this.wakeAtMono = Infinity;
    this.tick();
  };

  private tick(): void {
    try {
      this.detectClockJump();
      const due = this.queue.popDue(this.clock.now(), this.batchSize);
      if (due.length > 0) {
        this.dispatching = true;
        try {
          this.onDue(due);
        } finally {
          this.dispatching = false;
        }
      }
    } finally {
      this.arm();
    }
  }

  /** Arms the one timer for the earliest entry unless it is already set to wake in time. */
  private arm(): void {
    if (!this.running || this.dispatching) return;
    const dueMs = this.queue.peekDue();
    if (dueMs === undefined) {
      this.disarm();
      return;
    }
    // ceil: a timer that wakes a fraction of a ms early would find nothing due and have to re-arm.
    const remaining = Math.max(0, Math.ceil(dueMs - this.clock.now()));
    // Approach in halves: a platform timer runs on the monotonic clock, so a wall clock stepped forward while it
    // waits (a VM's clock corrected, NTP) would make the fire late by the step; each halfway wake reads the wall
    // clock again, so only a step within the last FINAL_APPROACH_MS goes unseen. ~log2(delay / 16 ms) wakes per due.
    const delay = Math.min(this.maxDelayMs, remaining > FINAL_APPROACH_MS ? Math.ceil(remaining / 2) : remaining);
    const wakeAtMono = this.clock.monotonic() + delay;
    if (this.handle !== undefined && this.wakeAtMono <= wakeAtMono) return;
    this.disarm();
    this.handle = this.clock.setTimer(this.onTimer, delay);
    this.wakeAtMono = wakeAtMono;
  }

  private disarm(): void {
    if (this.handle !== undefined) this.clock.clearTimer(this.handle);
    this.handle = undefined;
    this.wakeAtMono = Infinity;
  }

  /** Compares elapsed wall time with elapsed monotonic time since the last wake: a difference is a clock step. */
  private detectClockJump(): void {
    const wall = this.clock.now();
    const mono = this.clock.monotonic();
    const skew = wall - this.lastWall - (mono - this.lastMono);
    this.lastWall = wall;
    this.lastMono = mono;
    if (Math.abs(skew) > this.jumpThresholdMs) this.options.onClockJump?.(skew);
  }

  private sampleClocks(): void {
    this.lastWall = this.clock.now();
    this.lastMono = this.clock.monotonic();
  }
}
