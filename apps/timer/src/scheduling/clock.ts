import { performance } from 'node:perf_hooks';

/** Opaque handle of a platform timer; only the clock that made it can clear it. */
export type TimerHandle = unknown;

/**
 * Time as the timer service sees it, injectable so tests can drive it. Two clocks on purpose: schedules are defined in
 * wall time (`now`, epoch ms, which NTP or an operator may step), while elapsed time is measured on `monotonic`, which
 * never jumps. Platform timers (setTimeout) run on the monotonic clock too.
 */
export interface Clock {
  /** Wall-clock epoch ms. */
  now(): number;
  /** Monotonic ms from an arbitrary origin (performance.now based). */
  monotonic(): number;
  setTimer(callback: () => void, delayMs: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

export { MAX_TIMER_DELAY_MS } from '@sched/contracts';

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimer: (callback, delayMs) => {
    const timer = setTimeout(callback, delayMs);
    // The timer must not be what keeps a process alive: the NATS connection and the Nest app own the lifecycle.
    timer.unref();
    return timer;
  },
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
