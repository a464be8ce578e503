import type { ExecutionError } from '@sched/contracts';

/**
 * Characters of an error's message (and type) kept on the event that ends its attempt: an exception carrying a whole
 * response or file would otherwise make a commit the store refuses (and the attempt would end as WorkerLost).
 */
export const MAX_ERROR_MESSAGE_LENGTH = 8000;
const MAX_ERROR_TYPE_LENGTH = 200;

const capped = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;

/** The error of the Error itself, the `type` and `retryable` it carries (ExecutorError or the same shape), or a default. */
export function toExecutionError(error: unknown): ExecutionError {
  if (error instanceof Error) {
    const shaped = error as Error & { type?: unknown; retryable?: unknown };
    return {
      type: capped(typeof shaped.type === 'string' && shaped.type !== '' ? shaped.type : error.name || 'Error', MAX_ERROR_TYPE_LENGTH),
      message: capped(error.message, MAX_ERROR_MESSAGE_LENGTH),
      // Unknown failures are assumed transient: the task's retry policy (or nonRetryableErrorTypes) decides.
      retryable: typeof shaped.retryable === 'boolean' ? shaped.retryable : true,
    };
  }
  return { type: 'Error', message: capped(String(error), MAX_ERROR_MESSAGE_LENGTH), retryable: true };
}
