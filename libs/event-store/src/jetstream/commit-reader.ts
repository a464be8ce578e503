import type { Consumer, ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { DeliverPolicy } from '@nats-io/jetstream';
import { EventStoreUnavailableError } from '../errors';
import { sleep } from '../abortable-sleep';
import { isTransient, ResilientCalls, toUnavailable } from './resilient-calls';

export interface OrderedReadOptions {
  readonly streamName: string;
  /** Server-side filter subject (nats-server 2.9 takes one); undefined = the whole stream. */
  readonly filterSubject?: string;
  /** First stream sequence to deliver (>= 1). */
  readonly startSeq: number;
  /** Stops the read; the generator then returns. */
  readonly signal?: AbortSignal;
  /**
   * true for live subscriptions: keep re-creating the consumer for as long as it takes. false for bounded reads:
   * give up with EventStoreUnavailableError once the operation deadline has passed.
   */
  readonly persistent: boolean;
  /** Messages per pull request: bounds client memory, since nats.js pulls again only as we iterate. */
  readonly batch?: number;
}

/**
 * Heartbeats while a pull waits, so that a pull nats-server 2.9 dropped without a word (a message arriving just as it
 * expires: no 408) is noticed after two missed ones — nats.js's default is half the expiry, 15 s, so a live
 * subscription sat still for 30 s. Pull expiries vary at random, so that they fall at no fixed phase of the clock
 * (where cron fires do).
 */
const PULL_HEARTBEAT_MS = 1_000;
const pullExpiry = (): number => 25_000 + Math.floor(Math.random() * 10_000);
const RECREATE_MIN_MS = 100;
const RECREATE_MAX_MS = 2000;

/**
 * Every message from `startSeq` on, in stream order, through an ordered consumer. After a reconnect or a server
 * restart nats.js re-creates the ordered consumer, and this loop then swaps in a fresh one (see
 * replaceWhenRecreated); when nats.js gives up, its iterator ends and this loop starts a new consumer from the next
 * sequence too. The caller breaks out when it has read enough; the consumer is deleted then rather than left to
 * expire on the server.
 */
export async function* orderedMessages(
  js: JetStreamClient,
  calls: ResilientCalls,
  options: OrderedReadOptions,
): AsyncGenerator<JsMsg> {
  const { signal, persistent } = options;
  let next = Math.max(1, options.startSeq);
  let failures = 0;
  const deadlineMs = persistent ? Number.POSITIVE_INFINITY : undefined;
  while (!signal?.aborted) {
    let consumer: Consumer | undefined;
    let messages: ConsumerMessages | undefined;
    let recreated = false;
    const stop = (): void => void messages?.stop();
    // After a reconnect the consumer may be gone or stalled (see replaceWhenStalled): start a fresh one.
    const replace = (): void => {
      recreated = true;
      stop();
    };
    const stopWatchingReconnects = calls.onReconnect(replace);
    try {
      consumer = await calls.run(
        'create ordered consumer',
        () =>
          js.consumers.get(options.streamName, {
            filter_subjects: options.filterSubject,
            deliver_policy: DeliverPolicy.StartSequence,
            opt_start_seq: next,
          }),
        deadlineMs,
        signal,
      );
      if (signal?.aborted) break;
      messages = await consumer.consume({ max_messages: options.batch ?? 500, idle_heartbeat: PULL_HEARTBEAT_MS, expires: pullExpiry() });
      signal?.addEventListener('abort', stop, { once: true });
      void replaceWhenStalled(messages, replace);
      for await (const message of messages) {
        // Messages already buffered are still yielded after stop(): the flag is what ends the read promptly.
        if (signal?.aborted) return;
        next = message.seq + 1;
        failures = 0;
        yield message;
      }
    } catch (error) {
      if (signal?.aborted) return;
      const giveUp = calls.isClosed() || (!persistent && (failures >= 3 || !isTransient(error)));
      if (giveUp) throw error instanceof EventStoreUnavailableError ? error : toUnavailable('read', error);
    } finally {
      stopWatchingReconnects();
      signal?.removeEventListener('abort', stop);
      messages?.stop();
      consumer?.delete().catch(() => undefined);
    }
    if (calls.isClosed()) throw toUnavailable('read', new Error('NATS connection closed'));
    if (recreated) continue; // a healthy hand-over, not a failure: start the next consumer at once
    failures += 1;
    await sleep(Math.min(RECREATE_MAX_MS, RECREATE_MIN_MS * 2 ** Math.min(failures - 1, 8)), signal);
  }
}

/**
 * nats.js 3.4 re-creates an ordered consumer after a server restart (or a sequence gap) but keeps the old pull's
 * pending count, so the new consumer pulls `max_messages - pending` messages (often 0, which the server reads as 1)
 * and then stalls until two idle heartbeats are missed. And when its check after a reconnect fails (JetStream still
 * recovering its store), it waits a whole pull expiry (30 s) before it looks again: a live subscription then delivers
 * nothing for half a minute (seen under CI load: the timer missed a task's pause for ~25 s). So on a re-creation, on
 * missed heartbeats and on every reconnect (orderedMessages) we stop it and start our own from the next sequence:
 * no loss (we track the sequence), no wait. Stopping only after the re-creation means the consumer it created is the
 * one our cleanup deletes.
 */
async function replaceWhenStalled(messages: ConsumerMessages, replace: () => void): Promise<void> {
  for await (const status of messages.status()) {
    if (status.type === 'ordered_consumer_recreated' || status.type === 'heartbeats_missed') {
      replace();
      return;
    }
  }
}
