import { errorMessage } from '@sched/contracts';
import {
  CancelledError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NotLeaderError,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { EventStoreUnavailableError, InvalidAppendError, WrongExpectedVersionError } from '../errors';
import type { ExpectedVersion } from '../event-store.port';

/** gRPC status codes after which the server may answer a moment later (or another node may). */
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;
/** The Rust bridge (reads) raises plain Errors named like the client's classes. */
const TRANSIENT_NAMES = new Set(['UnavailableError', 'DeadlineExceededError', 'NotLeaderError']);

export interface ErrorContext {
  /** What we were doing, for the message: 'append', 'read', 'subscribe'... */
  readonly what: string;
  readonly streamId?: string;
  readonly expected?: ExpectedVersion;
}

/** Connection refused, server gone, timed out, not the leader (yet): worth retrying, else "unavailable". */
export function isTransientKurrentError(error: unknown): boolean {
  if (
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof NotLeaderError
  ) {
    return true;
  }
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED || TRANSIENT_NAMES.has(error.name);
}

/**
 * The one place where client errors become the port's typed errors: a version conflict → WrongExpectedVersionError
 * (with the actual revision, -1 for "no stream"); unreachable / timed out → EventStoreUnavailableError; an append
 * over the server's size limit → InvalidAppendError. Anything else is returned unchanged.
 */
export function toPortError(error: unknown, context: ErrorContext): unknown {
  if (error instanceof ClientWrongExpectedVersionError) {
    const actual = error.actualState === 'no_stream' ? -1 : Number(error.actualState);
    return new WrongExpectedVersionError(context.streamId ?? error.streamName, context.expected ?? 'any', actual);
  }
  if (isTransientKurrentError(error) || error instanceof CancelledError) {
    // The Rust bridge's errors carry only their name as message: say what it means.
    const message = errorMessage(error);
    const reason = error instanceof Error && (message === '' || message === error.name) ? `${error.name}: no connection to the server` : message;
    return new EventStoreUnavailableError(`event store unavailable (kurrentdb ${context.what}): ${reason}`, error);
  }
  if (error instanceof MaxAppendSizeExceededError) {
    return new InvalidAppendError(`append to ${context.streamId ?? 'a stream'} exceeds KurrentDB's maximum append size (${error.maxAppendSize} bytes)`);
  }
  return error;
}
