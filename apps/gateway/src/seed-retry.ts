import { DEFAULT_MAX_RETRIES, DEFAULT_RETRY_INTERVAL_MS, type RetryPolicy } from '@sched/contracts';

export interface SeedRetryFields {
  readonly maxRetries?: number;
  /** ms */
  readonly retryInterval?: number;
}

const fixed = (maxRetries: number, intervalMs: number): RetryPolicy => ({
  maxAttempts: maxRetries + 1,
  backoff: 'fixed',
  initialIntervalMs: intervalMs,
  multiplier: 1,
  maxIntervalMs: intervalMs,
  jitter: 0,
  nonRetryableErrorTypes: [],
});

/**
 * The retry policy of a new task: an explicit `retry` wins; otherwise the seed's fields with their defaults
 * (3 retries, 60 s apart, fixed backoff), so a task created without any of them retries as it did in the seed.
 */
export function retryForCreate(retry: RetryPolicy | undefined, seed: SeedRetryFields): RetryPolicy {
  return retry ?? fixed(seed.maxRetries ?? DEFAULT_MAX_RETRIES, seed.retryInterval ?? DEFAULT_RETRY_INTERVAL_MS);
}

/**
 * An update's new retry policy, if it changes one: an explicit `retry` wins; `maxRetries` / `retryInterval` change
 * those parts of the current policy (the interval sets the first delay and the cap) and keep the rest.
 */
export function retryForUpdate(retry: RetryPolicy | undefined, seed: SeedRetryFields, current: RetryPolicy | undefined): RetryPolicy | undefined {
  if (retry) return retry;
  if (seed.maxRetries === undefined && seed.retryInterval === undefined) return undefined;
  const base = current ?? fixed(0, DEFAULT_RETRY_INTERVAL_MS);
  const intervalMs = seed.retryInterval;
  return {
    ...base,
    ...(seed.maxRetries === undefined ? {} : { maxAttempts: seed.maxRetries + 1 }),
    ...(intervalMs === undefined ? {} : { initialIntervalMs: intervalMs, maxIntervalMs: Math.max(intervalMs, base.maxIntervalMs) }),
  };
}
