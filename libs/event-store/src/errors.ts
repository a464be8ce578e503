import type { ExpectedVersion } from './event-store.port';

/** The stream was not at the expected version: someone else appended first (or the stream already exists). */
export class WrongExpectedVersionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    /** The stream's actual last revision (-1 when it does not exist), when the adapter knows it. */
    readonly actual?: number,
  ) {
    super(`wrong expected version for ${streamId}: expected ${String(expected)}, actual ${actual ?? 'unknown'}`);
    this.name = 'WrongExpectedVersionError';
  }

  static is(error: unknown): error is WrongExpectedVersionError {
    return error instanceof WrongExpectedVersionError;
  }
}

/** The store cannot be reached or refused the operation for a reason other than concurrency. */
export class EventStoreUnavailableError extends Error {
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'EventStoreUnavailableError';
  }
}

/** A stream id or event the store cannot hold (bad characters, too many events in one append). */
export class InvalidAppendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAppendError';
  }
}
