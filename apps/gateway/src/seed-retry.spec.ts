import type { RetryPolicy } from '@sched/contracts';
import { retryForCreate, retryForUpdate } from './seed-retry';

const explicit: RetryPolicy = { maxAttempts: 2, backoff: 'exponential', initialIntervalMs: 100, multiplier: 2, maxIntervalMs: 1000, jitter: 0, nonRetryableErrorTypes: [] };

describe('seed retry fields → retry policy', () => {
  it('defaults to 3 retries 60 s apart (4 attempts, fixed backoff)', () =>
    expect(retryForCreate(undefined, {})).toEqual({
      maxAttempts: 4, backoff: 'fixed', initialIntervalMs: 60_000, multiplier: 1, maxIntervalMs: 60_000, jitter: 0, nonRetryableErrorTypes: [],
    }));
  it('maps maxRetries and retryInterval', () =>
    expect(retryForCreate(undefined, { maxRetries: 0, retryInterval: 500 })).toMatchObject({ maxAttempts: 1, initialIntervalMs: 500, maxIntervalMs: 500 }));
  it('an explicit retry policy wins', () => {
    expect(retryForCreate(explicit, { maxRetries: 9 })).toBe(explicit);
    expect(retryForUpdate(explicit, { maxRetries: 9 }, undefined)).toBe(explicit);
  });
  it('an update changes only what it names, and nothing without either field', () => {
    expect(retryForUpdate(undefined, {}, explicit)).toBeUndefined();
    expect(retryForUpdate(undefined, { maxRetries: 5 }, explicit)).toEqual({ ...explicit, maxAttempts: 6 });
    expect(retryForUpdate(undefined, { retryInterval: 2000 }, explicit)).toEqual({ ...explicit, initialIntervalMs: 2000, maxIntervalMs: 2000 });
  });
});
