import type { ExecutionError } from '@sched/contracts';

/** The error of the Error itself, the `type` and `retryable` it carries (ExecutorError or the same shape), or a default. */
export function toExecutionError(error: unknown): ExecutionError {
  if (error instanceof Error) {
    const shaped = error as Error & { type?: unknown; retryable?: unknown };
    return {
      type: typeof shaped.type === 'string' && shaped.type !== '' ? shaped.type : error.name || 'Error',
      message: error.message,
      // Unknown failures are assumed transient: the task's retry policy (or nonRetryableErrorTypes) decides.
      retryable: typeof shaped.retryable === 'boolean' ? shaped.retryable : true,
    };
  }
  return { type: 'Error', message: String(error), retryable: true };
}
