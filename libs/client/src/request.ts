import type { NatsConnection } from '@nats-io/transport-node';
import { ErrorCode, type Reply } from '@sched/contracts';
import { SchedClientError } from './errors';

export const DEFAULT_TIMEOUT_MS = 10_000;

/** One request-reply: the reply's result, or a SchedClientError (the server's error, or UNAVAILABLE). */
export async function requestReply<T>(nc: NatsConnection, subject: string, payload: unknown, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<T> {
  let text: string;
  try {
    text = (await nc.request(subject, JSON.stringify(payload ?? {}), { timeout: timeoutMs })).string();
  } catch (error) {
    throw SchedClientError.unavailable(subject, error);
  }
  let reply: Reply<T>;
  try {
    reply = JSON.parse(text) as Reply<T>;
  } catch {
    throw new SchedClientError(ErrorCode.INTERNAL, `${subject}: reply is not JSON`, { reply: text.slice(0, 200) }, subject);
  }
  if (reply.ok) return reply.result;
  throw SchedClientError.fromBody(reply.error, subject);
}
