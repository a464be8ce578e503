import { ErrorCode, type ErrorBody } from '@sched/contracts';

/**
 * Every failure the SDK reports: the server's `{ code, message, details }` as it was sent, or UNAVAILABLE when no
 * service answered (no responders, timeout, connection closed). `subject` says which request failed.
 */
export class SchedClientError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly subject?: string,
  ) {
    super(message);
    this.name = 'SchedClientError';
  }

  static fromBody(body: ErrorBody, subject: string): SchedClientError {
    return new SchedClientError(body.code, body.message, body.details ?? {}, subject);
  }

  static unavailable(subject: string, cause: unknown): SchedClientError {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new SchedClientError(ErrorCode.UNAVAILABLE, `${subject}: no answer (${reason})`, { reason }, subject);
  }

  static is(value: unknown, code?: ErrorCode): value is SchedClientError {
    return value instanceof SchedClientError && (code === undefined || value.code === code);
  }
}
