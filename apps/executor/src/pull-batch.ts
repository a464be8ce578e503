import type { Consumer, JsMsg } from '@nats-io/jetstream';
import { DEFAULT_EXECUTOR_PULL_WAIT_MS } from '@sched/messaging';

/**
 * A pull waits `waitMs` (EXECUTOR_PULL_WAIT_MS, default 2 s), plus up to a quarter of that at random. nats-server 2.9
 * drops a pull request without a word (no 408) when a message arrives just as the request expires, and nats.js then
 * waits for two missed heartbeats (2 s more) before it pulls again: seen as a 2.3 s stall of every item due
 * meanwhile, one lateness benchmark in two, whose fires all came 20 s after start, i.e. just as the tenth 2 s pull
 * expired. Hence the jitter (expiries fall at no fixed phase of the clock, where cron fires do) and the overdue end:
 * the request is over on the server by then anyway, so the batch is ended this long after its expiry and the next
 * pull goes out at once.
 * A stopping executor lets its open pull run out rather than end it: ending it early (unsubscribing, even with a
 * drain) loses the odd message nats-server 2.9 had already given the pull but not yet sent, which then waits out
 * the ack wait (30 s) before another executor gets it (measured: 1–2 in 1,000 published while pulls ended).
 */
const FETCH_OVERDUE_MS = 100;

export const jitteredExpiry = (waitMs = DEFAULT_EXECUTOR_PULL_WAIT_MS): number => waitMs + Math.floor(Math.random() * (waitMs / 4));

/**
 * One pull of up to `max` messages, each handed to `each` as it arrives; resolves when the batch is complete, has
 * expired, or is overdue (see above), or `abandon` aborts (see ExecutorWorkerService.abandonForTeardown). Errors (a
 * disconnect, a deleted consumer) reject, for the caller to pull again.
 */
export async function pullBatch(
  consumer: Pick<Consumer, 'fetch'>,
  max: number,
  each: (msg: JsMsg) => void,
  expires = jitteredExpiry(),
  abandon?: AbortSignal,
): Promise<void> {
  const batch = await consumer.fetch({ max_messages: max, expires });
  const overdue = setTimeout(() => batch.stop(), expires + FETCH_OVERDUE_MS);
  const stop = (): void => batch.stop();
  abandon?.addEventListener('abort', stop);
  if (abandon?.aborted) stop();
  try {
    for await (const msg of batch) each(msg);
  } finally {
    clearTimeout(overdue);
    abandon?.removeEventListener('abort', stop);
  }
}
