import type { Consumer, JsMsg } from '@nats-io/jetstream';

/**
 * A pull waits this long, plus up to FETCH_EXPIRES_JITTER_MS at random. nats-server 2.9 drops a pull request without
 * a word (no 408) when a message arrives just as the request expires, and nats.js then waits for two missed
 * heartbeats (2 s more) before it pulls again: seen as a 2.3 s stall of every item due meanwhile, one lateness
 * benchmark in two, whose fires all came 20 s after start, i.e. just as the tenth 2 s pull expired. Hence the
 * jitter (expiries fall at no fixed phase of the clock, where cron fires do) and the overdue end: the request is over
 * on the server by then anyway, so the batch is ended this long after its expiry and the next pull goes out at once.
 */
const FETCH_EXPIRES_MS = 2_000;
const FETCH_EXPIRES_JITTER_MS = 500;
const FETCH_OVERDUE_MS = 100;

export const jitteredExpiry = (): number => FETCH_EXPIRES_MS + Math.floor(Math.random() * FETCH_EXPIRES_JITTER_MS);

/**
 * One pull of up to `max` messages, each handed to `each` as it arrives; resolves when the batch is complete, has
 * expired, or is overdue (see above). Errors (a disconnect, a deleted consumer) reject, for the caller to pull again.
 */
export async function pullBatch(consumer: Pick<Consumer, 'fetch'>, max: number, each: (msg: JsMsg) => void, expires = jitteredExpiry()): Promise<void> {
  const batch = await consumer.fetch({ max_messages: max, expires });
  const overdue = setTimeout(() => batch.stop(), expires + FETCH_OVERDUE_MS);
  try {
    for await (const msg of batch) each(msg);
  } finally {
    clearTimeout(overdue);
  }
}
