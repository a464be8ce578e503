/** Injection token for the timer's Clock (tests inject a ManualClock). */
export const TIMER_CLOCK = Symbol('TIMER_CLOCK');
