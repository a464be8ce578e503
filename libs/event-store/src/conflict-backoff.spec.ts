import { CONFLICT_ATTEMPTS, CONFLICT_BACKOFF_CAP_MS, conflictBackoffMs } from './conflict-backoff';

describe('conflictBackoffMs', () => {
  /** The bound of each attempt's pause: the pause when the random pick is at its top. */
  const bounds = (attempts: readonly number[]): number[] => attempts.map((attempt) => conflictBackoffMs(attempt, () => 1));

  it('does not pause before the first attempt', () => {
    expect(conflictBackoffMs(1, () => 1)).toBe(0);
  });

  it('doubles its bound per attempt from the base, up to the cap', () => {
    expect(bounds([2, 3, 4, 5, 6, 7, 12, 40])).toEqual([10, 20, 40, 80, 160, CONFLICT_BACKOFF_CAP_MS, CONFLICT_BACKOFF_CAP_MS, CONFLICT_BACKOFF_CAP_MS]);
  });

  it('picks uniformly below the bound (full jitter)', () => {
    expect(conflictBackoffMs(4, () => 0)).toBe(0);
    expect(conflictBackoffMs(4, () => 0.25)).toBe(10);
  });

  it('waits at most ~1.5 s over all its attempts', () => {
    const attempts = Array.from({ length: CONFLICT_ATTEMPTS }, (_, index) => index + 1);
    expect(bounds(attempts).reduce((sum, ms) => sum + ms, 0)).toBe(1_510);
  });
});
