import type { z } from 'zod';
import { ErrorCode, SchedError, type ErrorBody } from './errors';
import { MAX_JSON_DEPTH, MAX_REQUEST_BYTES, OverNestedPayload, OversizedPayload } from './limits';
import { issueMessage } from './issue-message';

/** Marks a payload that could not be decoded as JSON; the transport layer hands it through so the reply can say so. */
export class UndecodablePayload {
  constructor(
    readonly raw: string,
    readonly reason: string,
  ) {}
}

export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** A request body over MAX_REQUEST_BYTES: the same error whether the server or a client (before sending) finds it. */
export const oversizedRequest = (what: string, bytes: number, max = MAX_REQUEST_BYTES, limit = 'MAX_REQUEST_BYTES'): ErrorBody => ({
  code: ErrorCode.BAD_REQUEST,
  message: `${what}: payload of ${bytes} bytes is over the limit of ${max}`,
  details: { limit, max, actual: bytes },
});

/**
 * Validates a decoded request payload against a schema: `BAD_REQUEST` when it is not a JSON object at all,
 * `VALIDATION` (with every issue and its path) when the object breaks the schema.
 */
export function parsePayload<S extends z.ZodType>(schema: S, payload: unknown, what: string): z.output<S> {
  if (payload instanceof OversizedPayload) {
    const { code, message, details } = oversizedRequest(what, payload.bytes);
    throw new SchedError(code, message, details);
  }
  if (payload instanceof OverNestedPayload) {
    throw new SchedError(ErrorCode.BAD_REQUEST, `${what}: payload nests deeper than ${MAX_JSON_DEPTH} levels of objects and arrays`, {
      limit: 'MAX_JSON_DEPTH', max: MAX_JSON_DEPTH,
    });
  }
  if (payload instanceof UndecodablePayload) {
    throw new SchedError(ErrorCode.BAD_REQUEST, `${what}: payload is not valid JSON`, { reason: payload.reason });
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new SchedError(ErrorCode.BAD_REQUEST, `${what}: payload must be a JSON object`, {
      received: payload === null ? 'null' : Array.isArray(payload) ? 'array' : typeof payload,
    });
  }
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  const issues: ValidationIssue[] = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issueMessage(schema, payload, issue),
  }));
  const summary = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ');
  throw new SchedError(ErrorCode.VALIDATION, `${what}: ${summary}`, { issues });
}
