import { PermissionViolationError } from '@nats-io/transport-node';
import { ErrorCode, errorMessage, type ErrorBody } from '@sched/contracts';

/**
 * Every failure the SDK reports: the server's `{ code, message, details }` as it was sent, UNAVAILABLE when no
 * service answered (no responders, timeout, connection closed), or UNAUTHORIZED when the server's permissions
 * refused the request for this NATS user. `subject` says which request failed.
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
    const reason = errorMessage(cause);
    // Refused by the server's permissions for this user: no retry will get an answer, so it is no outage.
    const refused = cause instanceof PermissionViolationError || (cause as { cause?: unknown } | undefined)?.cause instanceof PermissionViolationError;
    // The server refused the credentials at connect: no retry will get in either.
    if (/Authorization Violation|Authentication (Expired|Revoked)|user authentication/i.test(reason)) {
      return new SchedClientError(ErrorCode.UNAUTHORIZED, `${subject}: the NATS server refused these credentials (${reason})`, { reason }, subject);
    }
    if (refused || /Permissions Violation/.test(reason)) {
      return new SchedClientError(ErrorCode.UNAUTHORIZED, `${subject}: this NATS user may not send it (${reason})`, { reason }, subject);
    }
    // No service listens on the subject at all: sched is not running on this NATS (or not yet), whichever query it
    // was. The subject goes last: a read asks the log's head (sched.query.history) first, and a message that led
    // with that subject read as if the user had asked for history.
    if (/no responders/i.test(reason)) {
      const message = `no sched service answers on this NATS server: is sched running, and NATS_URL / --url the server it uses? (no responders on ${subject})`;
      return new SchedClientError(ErrorCode.UNAVAILABLE, message, { reason, unanswered: 'no-responders' }, subject);
    }
    // A service listens (else: no responders) but did not answer in time: busy with other requests, or stopping.
    const timedOut = /timeout/i.test(reason);
    const why = timedOut ? 'no answer in time: the services are busy (retry later) or stopping' : 'no answer';
    return new SchedClientError(ErrorCode.UNAVAILABLE, `${subject}: ${why} (${reason})`, { reason, unanswered: timedOut ? 'timeout' : 'other' }, subject);
  }

  /** Whether nothing listens on the request's subject at all (UNAVAILABLE for no responders), not a slow answer. */
  static noResponders(value: unknown): boolean {
    return SchedClientError.is(value, ErrorCode.UNAVAILABLE) && value.details.unanswered === 'no-responders';
  }

  static is(value: unknown, code?: ErrorCode): value is SchedClientError {
    return value instanceof SchedClientError && (code === undefined || value.code === code);
  }
}
