/**
 * Error codes shared by every reply. Each maps to one HTTP status (see HTTP_STATUS_BY_CODE) so the NATS and HTTP
 * faces of the gateway report the same failure the same way.
 */
export const ErrorCode = {
  /** The payload is not JSON, or not a JSON object. */
  BAD_REQUEST: 'BAD_REQUEST',
  /** The payload is JSON but breaks the command's schema or a business rule on its values. */
  VALIDATION: 'VALIDATION',
  NOT_FOUND: 'NOT_FOUND',
  /** Already exists, or a concurrent writer won (wrong expected version after retries). */
  CONFLICT: 'CONFLICT',
  /** The command is well formed but not allowed in the aggregate's current state. */
  INVALID_STATE: 'INVALID_STATE',
  UNAVAILABLE: 'UNAVAILABLE',
  INTERNAL: 'INTERNAL',
  /** HTTP: SCHED_API_TOKEN is set and the bearer token is missing or wrong. The SDK: NATS refused the request for this user. */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** HTTP: a request a page of another site made a browser send, or naming a host the gateway does not answer to. */
  FORBIDDEN: 'FORBIDDEN',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  VALIDATION: 422,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_STATE: 409,
  UNAVAILABLE: 503,
  INTERNAL: 500,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
};

export interface ErrorBody {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details: Record<string, unknown>;
}

/** The one error type business code throws; the reply layer turns it into `{ ok: false, error }`. */
export class SchedError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'SchedError';
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message, details: this.details };
  }

  static is(value: unknown): value is SchedError {
    return value instanceof SchedError;
  }
}

export const notFound = (what: string, id: string): SchedError =>
  new SchedError(ErrorCode.NOT_FOUND, `${what} ${id} not found`, { [`${what.toLowerCase()}Id`]: id });

/** Gone as far as commands go, though its history (and `get`) still shows it: said so, not "not found". */
export const deletedNotFound = (what: string, id: string): SchedError =>
  new SchedError(ErrorCode.NOT_FOUND, `${what} ${id} was deleted`, { [`${what.toLowerCase()}Id`]: id, deleted: true });

export const invalidState = (message: string, details: Record<string, unknown> = {}): SchedError =>
  new SchedError(ErrorCode.INVALID_STATE, message, details);

/** An Error's message, or the thrown value as text (a library may throw a string). */
export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
