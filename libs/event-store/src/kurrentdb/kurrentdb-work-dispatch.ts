import {
  PersistentSubscriptionExistsError,
  ROUND_ROBIN,
  persistentSubscriptionToAllSettingsFromDefaults,
  type KurrentDBClient,
  type PersistentSubscriptionToAll,
  type PersistentSubscriptionToAllResolvedEvent,
} from '@kurrent/kurrentdb-client';
import type { RecordedEvent } from '@sched/contracts';
import { matchesFilter } from '../event-filter';
import type { EventFilter, SubscriptionStart } from '../event-store.port';
import { sleep } from '../abortable-sleep';
import { withRetries } from './kurrentdb-calls';
import { toServerFilter } from './kurrentdb-filter';
import { fromPortPosition, toRecordedEvent } from './kurrentdb-mapping';

export interface KurrentDbWorkDispatchOptions {
  /** Consumer group: every process with the same group competes for the same events. */
  readonly group: string;
  /** Which events are work, e.g. { streamPrefixes: ['execution-'], eventTypes: ['TaskDue', 'TaskRetried'] }. */
  readonly filter?: EventFilter;
  /** Where a new group starts; an existing group keeps its own server-side checkpoint. */
  readonly from?: SubscriptionStart;
  readonly namespace?: string;
  /** Redelivered to another consumer when not acked in time (JetStream's ack_wait). */
  readonly messageTimeoutMs?: number;
  /** Deliveries before the server parks the event (JetStream's max_deliver + a dead-letter stream). */
  readonly maxRetryCount?: number;
  /** Unacked events one consumer holds at most (JetStream's max_ack_pending per consumer). */
  readonly bufferSize?: number;
}

/** One unit of work: the event, how often it was delivered before, and its settlement. */
export interface KurrentDbWorkItem {
  readonly event: RecordedEvent;
  readonly retryCount: number;
  ack(): Promise<void>;
  /** 'retry': redeliver (to any consumer); 'park': give up, kept in the group's parked stream for replay; 'skip': drop. */
  nack(action: 'retry' | 'park' | 'skip', reason: string): Promise<void>;
}

/**
 * Executor dispatch on a KurrentDB persistent subscription to $all, an alternative to the JetStream work queue:
 * the group is the durable consumer, RoundRobin spreads events over the connected executors (competing consumers),
 * ack after the outcome is committed, nack('retry') = nak, messageTimeout = ack_wait, maxRetryCount then park =
 * max_deliver + dead letter. It reads the event log itself, so it costs no second write (ARCHITECTURE.md: write budget).
 * Unlike JetStream there is no in-progress ack: messageTimeoutMs must exceed the longest execution, or the executor
 * must treat a redelivery of a started execution as "worker lost" (which the execution actor already does).
 */
export class KurrentDbWorkDispatch {
  private readonly namespace: string;

  constructor(
    private readonly client: KurrentDBClient,
    private readonly options: KurrentDbWorkDispatchOptions,
  ) {
    this.namespace = options.namespace ?? '';
  }

  /** Creates the consumer group with its server-side filter (idempotent: an existing group is kept as it is). */
  async ensureGroup(): Promise<void> {
    const from = this.options.from ?? 'start';
    const settings = persistentSubscriptionToAllSettingsFromDefaults({
      startFrom: from === 'start' ? 'start' : from === 'end' ? 'end' : fromPortPosition(from.after),
      consumerStrategyName: ROUND_ROBIN,
      ...(this.options.messageTimeoutMs !== undefined && { messageTimeout: this.options.messageTimeoutMs }),
      ...(this.options.maxRetryCount !== undefined && { maxRetryCount: this.options.maxRetryCount }),
    });
    const filter = toServerFilter(this.options.filter, this.namespace);
    await withRetries(
      async () => {
        try {
          await this.client.createPersistentSubscriptionToAll(this.options.group, settings, { filter });
        } catch (error) {
          if (!(error instanceof PersistentSubscriptionExistsError)) throw error;
        }
      },
      { what: `create consumer group ${this.options.group}` },
      15_000,
    );
  }

  /**
   * Work items until `signal` aborts; reconnects to the group when the connection drops (unacked items are then
   * redelivered by the server). Events the server filter let through but the full filter rejects are acked away.
   */
  async *items(signal: AbortSignal): AsyncGenerator<KurrentDbWorkItem> {
    for (let failures = 0; !signal.aborted; failures++) {
      const subscription = this.client.subscribeToPersistentSubscriptionToAll(this.options.group, { bufferSize: this.options.bufferSize ?? 16 });
      const stop = (): void => void subscription.unsubscribe().catch(() => undefined);
      signal.addEventListener('abort', stop, { once: true });
      try {
        for await (const resolved of subscription) {
          failures = 0;
          const event = toRecordedEvent(resolved, this.namespace);
          if (!event || !matchesFilter(event, this.options.filter)) {
            await subscription.ack(resolved);
            continue;
          }
          yield this.workItem(subscription, resolved, event);
        }
      } catch {
        // Dropped: reconnect below.
      } finally {
        signal.removeEventListener('abort', stop);
        await subscription.unsubscribe().catch(() => undefined);
      }
      await sleep(Math.min(5000, 50 * 2 ** Math.min(failures, 10)), signal);
    }
  }

  /** Removes the group and its checkpoint (tests, or switching dispatch back to JetStream). */
  async deleteGroup(): Promise<void> {
    await this.client.deletePersistentSubscriptionToAll(this.options.group);
  }

  private workItem(subscription: PersistentSubscriptionToAll, resolved: PersistentSubscriptionToAllResolvedEvent, event: RecordedEvent): KurrentDbWorkItem {
    return {
      event,
      retryCount: resolved.retryCount,
      ack: () => subscription.ack(resolved),
      nack: (action, reason) => subscription.nack(action, reason, resolved),
    };
  }
}
