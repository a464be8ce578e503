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

/** A text with each lone surrogate written as its escape (`\\ud800`), so that it can be shown, quoted and encoded. */
const showLoneSurrogates = (text: string): string =>
  text.replace(/[\uD800-\uDFFF]/gu, (surrogate) => `\\u${surrogate.charCodeAt(0).toString(16)}`);

/**
 * Every string of a decoded payload, at any depth, keys too, that is not well-formed Unicode (and every `__proto__`
 * key, which no copy keeps; every number too large for a double): one holding a lone
 * UTF-16 surrogate (JSON's `"\ud800"` decodes to one). UTF-8 has no form for it: SQLite, a hash of a task's name,
 * every encoder on the way writes U+FFFD in its place, so the read models disagreed with the log and distinct names
 * collided. Found without recursion, in document order.
 */
export function unstorableParts(payload: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const message = (text: string): string => {
    const chars = [...text]; // by code point: a lone surrogate is one of them
    const at = chars.findIndex((char) => !char.isWellFormed());
    return `not well-formed Unicode: a lone UTF-16 surrogate (${showLoneSurrogates(chars[at])}) at character ${at}`;
  };
  // Each entry: a value and where it is (its key, judged as it is reached for document order, and its parent's entry).
  type Place = { readonly key?: string; readonly parent?: Place };
  const pathOf = (place: Place): string => {
    const keys: string[] = [];
    for (let at: Place | undefined = place; at?.key !== undefined; at = at.parent) keys.push(showLoneSurrogates(at.key));
    return keys.reverse().join('.');
  };
  const stack: Array<[unknown, Place]> = [[payload, {}]];
  const seen = new WeakSet<object>(); // a payload built in process (the SDK checks its options) may share objects
  while (stack.length > 0) {
    const [value, place] = stack.pop()!;
    if (place.key !== undefined && !place.key.isWellFormed()) issues.push({ path: pathOf(place), message: `key ${message(place.key)}` });
    // JSON.parse makes `__proto__` a key like any other, but every copy made by assignment (schema parsing, a spread
    // of a config) sets the prototype with it instead: the key vanished without a word. Refused, as no field has it.
    if (place.key === '__proto__') issues.push({ path: pathOf(place), message: 'key "__proto__" is not allowed (it would be dropped, not kept)' });
    if (typeof value === 'number' && !Number.isFinite(value)) {
      // `1e400` parses as Infinity, which JSON writes as null: the stored config would not be the one sent.
      issues.push({ path: pathOf(place), message: 'a number too large for a double (it would be stored as null)' });
    } else if (typeof value === 'string') {
      if (!value.isWellFormed()) issues.push({ path: pathOf(place), message: message(value) });
    } else if (value !== null && typeof value === 'object' && !seen.has(value)) {
      seen.add(value);
      const children = Object.entries(value).map(([key, child]): [unknown, Place] => [child, { key, parent: place }]);
      stack.push(...children.reverse());
    }
  }
  return issues;
}

/**
 * Validates a decoded request payload against a schema: `BAD_REQUEST` when it is not a JSON object at all,
 * `VALIDATION` (with every issue and its path) when the object breaks the schema or holds a string that is not
 * well-formed Unicode (any field, any key: nothing sched stores can hold one unchanged).
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
  const unstorable = unstorableParts(payload);
  const result = schema.safeParse(payload);
  if (result.success && unstorable.length === 0) return result.data;
  const issues: ValidationIssue[] = [
    ...unstorable,
    ...(result.error?.issues ?? []).map((issue) => ({
      path: issue.path.map((key) => showLoneSurrogates(String(key))).join('.'),
      message: showLoneSurrogates(issueMessage(schema, payload, issue)),
    })),
  ];
  const summary = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ');
  throw new SchedError(ErrorCode.VALIDATION, `${what}: ${summary}`, { issues });
}
