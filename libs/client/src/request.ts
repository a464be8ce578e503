import type { NatsConnection } from '@nats-io/transport-node';
import { ErrorCode, MAX_REQUEST_BYTES, oversizedRequest, errorMessage, type Reply } from '@sched/contracts';
import { SchedClientError } from './errors';

export const DEFAULT_TIMEOUT_MS = 10_000;
/** The longest wait a Node timer keeps: past it Node fires at once (1 ms), so every request failed UNAVAILABLE. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** A timeout Node can keep, or VALIDATION saying so (nothing is sent). */
export function checkTimeout(timeoutMs: number, subject: string): void {
  if (Number.isInteger(timeoutMs) && timeoutMs >= 1 && timeoutMs <= MAX_TIMEOUT_MS) return;
  const message = `${subject}: timeoutMs must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS} (about 24.8 days, the longest a timer waits); got ${timeoutMs}`;
  throw new SchedClientError(ErrorCode.VALIDATION, message, { timeoutMs, max: MAX_TIMEOUT_MS }, subject);
}

/**
 * One request-reply: the reply's result, or a SchedClientError (the server's error, or UNAVAILABLE). A body over
 * MAX_REQUEST_BYTES is BAD_REQUEST before anything is sent, as the server would answer it: a body over the server's
 * max_payload could not even reach it, and no retry would change that.
 */
export async function requestReply<T>(nc: NatsConnection, subject: string, payload: unknown, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<T> {
  checkTimeout(timeoutMs, subject);
  const body = JSON.stringify(payload ?? {});
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > MAX_REQUEST_BYTES) throw SchedClientError.fromBody(oversizedRequest(subject, bytes), subject);
  let text: string;
  try {
    text = (await nc.request(subject, body, { timeout: timeoutMs })).string();
  } catch (error) {
    // A server whose max_payload is below MAX_REQUEST_BYTES: the client refuses to send, which is no outage either.
    if (/max_payload/.test(errorMessage(error))) {
      throw SchedClientError.fromBody(oversizedRequest(subject, bytes, nc.info?.max_payload ?? bytes, 'max_payload'), subject);
    }
    throw SchedClientError.unavailable(subject, error);
  }
  let reply: Reply<T>;
  try {
    reply = JSON.parse(text) as Reply<T>;
  } catch {
    throw new SchedClientError(ErrorCode.INTERNAL, `${subject}: reply is not JSON`, { reply: text.slice(0, 200) }, subject);
  }
  if (reply?.ok === true) return reply.result;
  // A subject whose replies are not `{ ok, result | error }` (the projectors' roll call, say) or a stray answer.
  if (reply?.ok !== false || typeof reply.error !== 'object' || reply.error === null) {
    throw new SchedClientError(ErrorCode.INTERNAL, `${subject}: the reply is not { ok, result } nor { ok: false, error }`, { reply: text.slice(0, 200) }, subject);
  }
  throw SchedClientError.fromBody(reply.error, subject);
}
