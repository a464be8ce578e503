import { backoffDelayMs } from './retry-policy';
import { policy } from '../testing/execution-fixtures';

describe('backoff delay', () => {
  it('fixed: the same delay after every attempt', () => {
    const fixed = policy({ backoff: 'fixed', initialIntervalMs: 500 });
    expect([1, 2, 5].map((attempt) => backoffDelayMs(fixed, attempt, 0.5))).toEqual([500, 500, 500]);
  });
  it('exponential: initial · multiplier^(n-1), capped at maxInterval', () => {
    const exp = policy({ initialIntervalMs: 1000, multiplier: 3, maxIntervalMs: 20_000 });
    expect([1, 2, 3, 4].map((attempt) => backoffDelayMs(exp, attempt, 0.5))).toEqual([1000, 3000, 9000, 20_000]);
  });
  it('jitter spreads the delay over [1 - jitter, 1 + jitter] using the random number given', () => {
    const jittered = policy({ backoff: 'fixed', initialIntervalMs: 1000, jitter: 0.2 });
    expect(backoffDelayMs(jittered, 1, 0)).toBe(800);
    expect(backoffDelayMs(jittered, 1, 0.5)).toBe(1000);
    expect(backoffDelayMs(jittered, 1, 0.999999)).toBe(1200);
  });
  it('never negative, even with full jitter', () => {
    expect(backoffDelayMs(policy({ jitter: 1 }), 1, 0)).toBe(0);
  });
});
