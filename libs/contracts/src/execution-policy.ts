import { z } from 'zod';
import { formatDurationMs } from './duration';
import { durationInput } from './schedules';

/**
 * How a task's executions are retried, timed out and limited. Stored on the task definition (ms, all fields present)
 * and snapshotted into each TaskDue, so the executor decides from the execution stream alone.
 */
export const MAX_ATTEMPTS = 100;
export const MAX_BACKOFF_MS = 7 * 86_400_000;
export const MIN_TIMEOUT_MS = 100;
export const MAX_TIMEOUT_MS = 30 * 86_400_000;
export const MAX_CONCURRENT_PER_TASK = 10_000;

export const backoffKinds = ['fixed', 'exponential'] as const;

/** Stored retry policy. The delay before attempt n+1 is `initial · multiplier^(n-1)` (exponential) capped at max, ± jitter. */
export const retryPolicySchema = z.object({
  /** Attempts in total, the first included: 1 means no retry. */
  maxAttempts: z.number().int().min(1).max(MAX_ATTEMPTS),
  backoff: z.enum(backoffKinds),
  initialIntervalMs: z.number().int().min(0).max(MAX_BACKOFF_MS),
  multiplier: z.number().min(1).max(10),
  maxIntervalMs: z.number().int().min(0).max(MAX_BACKOFF_MS),
  /** Fraction of the delay added or removed at random: 0.2 → the delay × [0.8, 1.2]. */
  jitter: z.number().min(0).max(1),
  /** Error types (ExecutionError.type) that end the execution at once. */
  nonRetryableErrorTypes: z.array(z.string().min(1).max(100)).max(32),
});
export type RetryPolicy = z.infer<typeof retryPolicySchema>;

const timeoutMs = z.number().int().min(MIN_TIMEOUT_MS).max(MAX_TIMEOUT_MS);

/** Stored timeouts; each is optional (absent = no limit). */
export const executionTimeoutsSchema = z.object({
  /** One attempt, from its start to its outcome. */
  startToCloseMs: timeoutMs.optional(),
  /** The whole execution, from its scheduled instant to its final outcome (no retry may start after it). */
  scheduleToCloseMs: timeoutMs.optional(),
  /** Longest silence (no heartbeat() or progress()) of a running attempt's code. */
  heartbeatMs: timeoutMs.optional(),
});
export type ExecutionTimeouts = z.infer<typeof executionTimeoutsSchema>;

export const maxConcurrentSchema = z.number().int().min(1).max(MAX_CONCURRENT_PER_TASK);

/**
 * What happens to a new execution when `maxConcurrent` executions of its task already run (maxConcurrent is 1 when
 * only an overlap policy is given; with neither, executions never wait for each other — "allow-all"):
 *  - `queue` (the default; "buffer-all"): it stays due until a slot frees, in turn with every other waiting one;
 *  - `buffer-one`: the first one to find the task busy waits; any other arriving while it waits is skipped;
 *  - `skip`: it ends at once with TaskSkipped;
 *  - `cancel-other`: the running ones get TaskCancelRequested, and it runs once they have stopped.
 * Retries always queue.
 */
export const overlapPolicies = ['queue', 'buffer-one', 'skip', 'cancel-other'] as const;
export const overlapPolicySchema = z.enum(overlapPolicies);
export type OverlapPolicy = z.infer<typeof overlapPolicySchema>;

/** A task's concurrency limit: its maxConcurrent, or 1 when it only names an overlap policy; none means "allow-all". */
export const concurrencyLimitOf = (policy: { readonly maxConcurrent?: number; readonly overlap?: OverlapPolicy }): number | undefined =>
  policy.maxConcurrent ?? (policy.overlap ? 1 : undefined);

/** Fields the task definition and TaskDue share (all optional: old events stay valid). */
/**
 * Where to say that an execution failed for good: an HTTP POST of what happened, sent as an execution of its own
 * (`<executionId>:notify`, the `http` executor, retried), so the notice is recorded, retried and audited like any run.
 * Headers may name secrets (`"authorization": "Bearer ${secret:HOOK_TOKEN}"`).
 */
export const notifyPolicySchema = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'notify.url must be an http(s) URL' }),
    headers: z.record(z.string(), z.string()).optional(),
  })
  .strict();
export type NotifyPolicy = z.infer<typeof notifyPolicySchema>;

export const executionPolicyFields = {
  retry: retryPolicySchema.optional(),
  timeouts: executionTimeoutsSchema.optional(),
  /** Running executions of this task at once, across all executor processes; the others wait (stay due). */
  maxConcurrent: maxConcurrentSchema.optional(),
  overlap: overlapPolicySchema.optional(),
  /** A notice of each execution that fails for good (TaskFailed final). */
  notify: notifyPolicySchema.optional(),
  /** Pause the task when one of its executions fails for good (Temporal's pause_on_failure): no run after a bad one. */
  pauseOnFailure: z.boolean().optional(),
};

const DEFAULT_MAX_INTERVAL_MS = 300_000;

/** `{ "maxAttempts": 5, "backoff": "exponential", "initialInterval": "1s", "maxInterval": "1m", "jitter": 0.2 }`. */
export const retryPolicyInputSchema = z
  .object({
    maxAttempts: z.number().int().min(1).max(MAX_ATTEMPTS),
    backoff: z.enum(backoffKinds).default('exponential'),
    initialInterval: durationInput('initialInterval').default(1000),
    multiplier: z.number().min(1).max(10).default(2),
    /** Default: 5 min, or initialInterval when that is longer. */
    maxInterval: durationInput('maxInterval').optional(),
    jitter: z.number().min(0).max(1).default(0),
    nonRetryableErrorTypes: z.array(z.string().min(1).max(100)).max(32).default([]),
  })
  .strict()
  .transform((input, ctx): RetryPolicy => {
    const tooLong = (['initialInterval', 'maxInterval'] as const).find((field) => (input[field] ?? 0) > MAX_BACKOFF_MS);
    if (tooLong) {
      ctx.addIssue({ code: 'custom', path: [tooLong], message: `${tooLong} must be at most ${formatDurationMs(MAX_BACKOFF_MS)}` });
      return z.NEVER;
    }
    // A cap below the first delay contradicts it (Temporal refuses the same): said so, rather than one of them ignored.
    if (input.maxInterval !== undefined && input.maxInterval < input.initialInterval) {
      const [max, initial] = [formatDurationMs(input.maxInterval), formatDurationMs(input.initialInterval)];
      ctx.addIssue({ code: 'custom', path: ['maxInterval'], message: `maxInterval (${max}) must be at least initialInterval (${initial})` });
      return z.NEVER;
    }
    return {
      maxAttempts: input.maxAttempts,
      backoff: input.backoff,
      initialIntervalMs: input.initialInterval,
      multiplier: input.multiplier,
      maxIntervalMs: input.maxInterval ?? Math.max(DEFAULT_MAX_INTERVAL_MS, input.initialInterval),
      jitter: input.jitter,
      nonRetryableErrorTypes: input.nonRetryableErrorTypes,
    };
  });

const timeoutInput = (field: string) =>
  durationInput(field).refine((ms) => ms >= MIN_TIMEOUT_MS && ms <= MAX_TIMEOUT_MS, {
    message: `${field} must be between ${formatDurationMs(MIN_TIMEOUT_MS)} and ${formatDurationMs(MAX_TIMEOUT_MS)}`,
  });

/** `{ "startToClose": "30s", "scheduleToClose": "10m", "heartbeat": "20s" }`. */
export const executionTimeoutsInputSchema = z
  .object({
    startToClose: timeoutInput('startToClose').optional(),
    scheduleToClose: timeoutInput('scheduleToClose').optional(),
    heartbeat: timeoutInput('heartbeat').optional(),
  })
  .strict()
  .transform((input): ExecutionTimeouts => ({
    ...(input.startToClose === undefined ? {} : { startToCloseMs: input.startToClose }),
    ...(input.scheduleToClose === undefined ? {} : { scheduleToCloseMs: input.scheduleToClose }),
    ...(input.heartbeat === undefined ? {} : { heartbeatMs: input.heartbeat }),
  }));

/** User-input versions of executionPolicyFields, for the create/update payloads. */
export const executionPolicyInputFields = {
  retry: retryPolicyInputSchema,
  timeouts: executionTimeoutsInputSchema,
  maxConcurrent: maxConcurrentSchema,
  overlap: overlapPolicySchema,
  notify: notifyPolicySchema,
  pauseOnFailure: z.boolean(),
};
