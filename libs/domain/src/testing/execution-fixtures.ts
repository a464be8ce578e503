import type { ExecutionEvent, RetryPolicy, TaskDue } from '@sched/contracts';

/** Events and policies the execution decider specs share. Times are small epoch ms so expectations stay readable. */
export const iso = (ms: number): string => new Date(ms).toISOString();

export const policy = (overrides: Partial<RetryPolicy> = {}): RetryPolicy => ({
  maxAttempts: 3,
  backoff: 'exponential',
  initialIntervalMs: 1000,
  multiplier: 2,
  maxIntervalMs: 60_000,
  jitter: 0,
  nonRetryableErrorTypes: [],
  ...overrides,
});

export const dueWith = (extra: Partial<TaskDue['data']> = {}): ExecutionEvent => ({
  type: 'TaskDue',
  data: {
    taskId: 't1',
    executionId: 't1@1000',
    executor: 'noop',
    config: {},
    scheduledAt: iso(1000),
    reason: 'schedule',
    taskRevision: 0,
    ...extra,
  },
});

export const started = (attempt: number, atMs: number): ExecutionEvent => ({
  type: 'TaskStarted',
  data: { attempt, workerId: 'w1', startedAt: iso(atMs) },
});

export const failed = (attempt: number, error: { type: string; message: string; retryable: boolean }, startMs: number, endMs: number, final: boolean): ExecutionEvent => ({
  type: 'TaskFailed',
  data: { attempt, error, durationMs: endMs - startMs, endedAt: iso(endMs), final },
});

export const retried = (attempt: number, atMs: number): ExecutionEvent => ({
  type: 'TaskRetried',
  data: { attempt, retryAt: iso(atMs) },
});

export const boom = { type: 'Error', message: 'boom', retryable: true };
