import type { ExecutionError, RetryPolicy, TaskDue } from '@sched/contracts';

/** What happens after a failed attempt: another attempt at `retryAtMs`, or none. */
export type AfterFailure =
  | { readonly kind: 'retry'; readonly retryAtMs: number }
  | { readonly kind: 'final'; readonly why: string };

/** The jitter's midpoint: a `random` of 0.5 leaves the delay as the backoff computed it. */
export const NO_JITTER_RANDOM = 0.5;

/**
 * Delay before the attempt after `failedAttempt` (1-based). `random` in [0, 1) comes from the command, so the
 * decider stays pure; it spreads the delay over [1 - jitter, 1 + jitter] of the backoff.
 */
export function backoffDelayMs(policy: RetryPolicy, failedAttempt: number, random: number): number {
  const base =
    policy.backoff === 'fixed'
      ? policy.initialIntervalMs
      : Math.min(policy.maxIntervalMs, policy.initialIntervalMs * policy.multiplier ** (failedAttempt - 1));
  const unit = Math.min(1, Math.max(0, random));
  return Math.max(0, Math.round(base * (1 + policy.jitter * (2 * unit - 1))));
}

/** The instant after which no attempt may run (scheduleToClose), if the execution has one. */
export function scheduleDeadlineMs(due: TaskDue['data']): number | undefined {
  const total = due.timeouts?.scheduleToCloseMs;
  return total === undefined ? undefined : Date.parse(due.scheduledAt) + total;
}

/** Applies the retry policy the execution was scheduled with to a failed attempt. */
export function afterFailure(
  due: TaskDue['data'],
  failedAttempt: number,
  error: ExecutionError,
  nowMs: number,
  random: number,
): AfterFailure {
  const policy = due.retry;
  if (!policy || failedAttempt >= policy.maxAttempts) return { kind: 'final', why: 'no attempts left' };
  if (!error.retryable) return { kind: 'final', why: 'the error is not retryable' };
  if (policy.nonRetryableErrorTypes.includes(error.type)) return { kind: 'final', why: `${error.type} is non-retryable` };
  const retryAtMs = nowMs + backoffDelayMs(policy, failedAttempt, random);
  const deadline = scheduleDeadlineMs(due);
  if (deadline !== undefined && retryAtMs >= deadline) return { kind: 'final', why: 'the retry would start after scheduleToClose' };
  return { kind: 'retry', retryAtMs };
}
