/**
 * HTTP requests carry part of a command in the path and the query string, where everything is text. These helpers
 * only reshape them into the NATS payload; validation stays with the handler behind the subject, so both faces of
 * the gateway answer bad input with the same structured error.
 */

import { ErrorCode, SchedError } from '@sched/contracts';

const NUMBER = /^-?\d+(\.\d+)?$/;
/**
 * An ISO instant whose `+` offset came through a query string unescaped: form decoding makes a `+` a space
 * (`?after=2030-01-01T10:00:00+01:00` arrived as "…T10:00:00 01:00" and was refused, the error's own example form).
 */
const DECODED_PLUS_OFFSET = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$/;

/** `?taskId=` is no filter the client meant to leave off: answering with everything would mislead, so it is refused. */
const emptyParameter = (key: string): SchedError =>
  new SchedError(ErrorCode.VALIDATION, `query parameter "${key}" is empty: give it a value, or leave it out`, {
    issues: [{ path: key, message: 'empty value' }],
  });

type QueryValue = string | string[] | undefined;

/**
 * A query string as a payload: `numeric` fields become numbers when they look like one (otherwise they stay text and
 * the schema names the field), `flags` become booleans when `true` or `false` (and true when given bare), `lists`
 * accept `a,b` or repeated keys.
 * An empty value (`?taskId=`, `?types=,`) is VALIDATION naming the parameter, but for a flag given bare.
 */
export function queryPayload(
  query: Record<string, unknown>,
  options: { readonly numeric?: readonly string[]; readonly lists?: readonly string[]; readonly flags?: readonly string[] } = {},
): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(query as Record<string, QueryValue>)) {
    // A flag given without a value (`?cancelPending`) is set, as in HTML: dropping it would delete and cancel nothing.
    if (raw === '' && options.flags?.includes(key)) {
      payload[key] = true;
      continue;
    }
    if (raw === undefined) continue;
    if (raw === '') throw emptyParameter(key);
    if (options.lists?.includes(key)) {
      const values = (Array.isArray(raw) ? raw : [raw]).flatMap((value) => value.split(',')).filter(Boolean);
      if (values.length === 0) throw emptyParameter(key);
      payload[key] = values;
    } else if (options.flags?.includes(key) && (raw === 'true' || raw === 'false')) {
      payload[key] = raw === 'true';
    } else if (options.numeric?.includes(key) && typeof raw === 'string' && NUMBER.test(raw)) {
      payload[key] = Number(raw);
    } else {
      payload[key] = typeof raw === 'string' ? raw.replace(DECODED_PLUS_OFFSET, '$1+$2') : raw;
    }
  }
  return payload;
}

/**
 * A JSON body with the path's ids added (the path wins). A body that is not an object is passed on unchanged, so
 * the handler rejects it as BAD_REQUEST just as it would on NATS.
 */
export function bodyWith(body: unknown, params: Record<string, string>): unknown {
  if (body === undefined || body === null || (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0)) {
    return { ...params };
  }
  if (typeof body !== 'object' || Array.isArray(body)) return body;
  return { ...(body as Record<string, unknown>), ...params };
}
