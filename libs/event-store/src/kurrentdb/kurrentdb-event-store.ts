import { BACKWARDS, END, KurrentDBClient, StreamNotFoundError, type AppendResult as ClientAppendResult } from '@kurrent/kurrentdb-client';
import { errorMessage, type EventEnvelope, type RecordedEvent } from '@sched/contracts';
import { startCheckpointedSubscription, type CheckpointStore } from '../checkpointed-subscription';
import { EventStoreUnavailableError, InvalidAppendError } from '../errors';
import { matchesFilter } from '../event-filter';
import type {
  AppendResult,
  CheckpointedSubscription,
  CheckpointedSubscriptionOptions,
  EventStore,
  EventSubscription,
  AppendOptions,
  ExpectedVersion,
  ReadAllOptions,
  ReadStreamOptions,
  SubscribeAllOptions,
} from '../event-store.port';
import { trackCheckpointed, trackSubscription } from '../tracked-subscription';
import { afterPosition } from '../positions';
import { parseStreamName, validateAppend } from '../stream-id';
import { DEFAULT_OPERATION_DEADLINE_MS, withRetries, withTimeout } from './kurrentdb-calls';
import { kurrentDbCheckpointStore } from './kurrentdb-checkpoint-store';
import { toServerFilter } from './kurrentdb-filter';
import { liveEvents } from './kurrentdb-live';
import { fromPortPosition, toEventData, toPortPosition, toRecordedEvent, toRevision, toStreamState } from './kurrentdb-mapping';
import type { SnapshotStore } from '../snapshots';

export interface KurrentDbEventStoreOptions {
  /**
   * Prefix of every KurrentDB stream name of this store ('' in production: streams are `task-<id>`). Lets several
   * stores (test runs, environments) share one server: each sees only its own streams in $all.
   */
  readonly namespace?: string;
  /** How long an operation keeps retrying an unavailable server before EventStoreUnavailableError. */
  readonly operationDeadlineMs?: number;
  /** Where snapshots of long streams are kept (the apps: NATS KV, as with JetStream); none: streams are read whole. */
  readonly snapshots?: SnapshotStore;
}

/** The event store on KurrentDB: native streams, native optimistic concurrency, $all for global order. */
export class KurrentDbEventStore implements EventStore {
  /** Prefix of this store's KurrentDB stream names (see KurrentDbEventStoreOptions). */
  readonly namespace: string;
  private readonly deadlineMs: number;
  /** Head lookups that fix "the head at the time of the call": appends from this store wait for them. */
  private readonly pendingHeads = new Set<Promise<unknown>>();
  private readonly subscriptions = new Set<{ close(): Promise<void> }>();
  private checkpoints?: CheckpointStore;
  private closed = false;
  readonly snapshots?: SnapshotStore;

  /** The store owns the client: close() disposes it. */
  constructor(
    readonly client: KurrentDBClient,
    options: KurrentDbEventStoreOptions = {},
  ) {
    this.namespace = options.namespace ?? '';
    this.deadlineMs = options.operationDeadlineMs ?? DEFAULT_OPERATION_DEADLINE_MS;
    this.snapshots = options.snapshots;
  }

  async append(streamId: string, events: readonly EventEnvelope[], options: AppendOptions): Promise<AppendResult> {
    validateAppend(streamId, events);
    if (streamId.startsWith('$')) throw new InvalidAppendError(`invalid stream id "${streamId}": '$' streams are KurrentDB's own`);
    if (this.pendingHeads.size > 0) await Promise.allSettled([...this.pendingHeads]);
    const { expected } = options;
    const name = this.namespace + streamId;
    const result: ClientAppendResult = await withRetries(
      () => this.client.appendToStream(name, events.map(toEventData), { streamState: toStreamState(expected) }),
      { what: 'append', streamId, expected },
      this.deadlineMs,
      options.signal,
    );
    // The answer carries the log position of the last event written, which is its $all position (kurrentdb-mapping.ts).
    const position = result.position ? toPortPosition(result.position) : await this.lastPositionOf(name, streamId);
    return { nextExpectedVersion: toRevision(result.nextExpectedRevision), position };
  }

  async read(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    parseStreamName(streamId);
    const name = this.namespace + streamId;
    const fromRevision = BigInt(options.fromRevision ?? 0);
    return withRetries(
      async () => {
        const events: RecordedEvent[] = [];
        try {
          for await (const resolved of this.client.readStream(name, { fromRevision })) {
            const event = toRecordedEvent(resolved, this.namespace);
            if (event) events.push(event);
          }
        } catch (error) {
          if (error instanceof StreamNotFoundError) return [];
          throw error;
        }
        return events;
      },
      { what: 'read', streamId },
      this.deadlineMs,
    );
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const head = this.fixHead();
    const from = options.from ?? 'start';
    const after = from === 'end' ? head : Promise.resolve(afterPosition(from));
    head.catch(() => undefined); // surfaces when iterated; never an unhandled rejection if it is not
    const { client, namespace } = this;
    const filter = options.filter;
    return (async function* () {
      const [start, end] = await Promise.all([after, head]);
      if (end <= start) return;
      // A read from a position is inclusive on the server: the event at `start` itself is dropped below.
      for await (const resolved of client.readAll({ fromPosition: fromPortPosition(start), filter: toServerFilter(filter, namespace) })) {
        const event = toRecordedEvent(resolved, namespace);
        if (!event || event.position <= start) continue;
        if (event.position > end) return;
        if (matchesFilter(event, filter)) yield event;
        if (event.position === end) return;
      }
    })();
  }

  subscribeAll(options: SubscribeAllOptions): EventSubscription {
    const { from, filter } = options;
    const after = from === 'end' ? this.fixHead() : Promise.resolve(afterPosition(from));
    after.catch(() => undefined); // surfaces when iterated
    const controller = new AbortController();
    const { client, namespace } = this;
    const closed = (): boolean => this.closed;
    const generator = (async function* () {
      if (closed()) throw new EventStoreUnavailableError('event store closed');
      const start = await after;
      if (!controller.signal.aborted) yield* liveEvents(client, namespace, start, filter, controller.signal);
    })();
    return trackSubscription(generator, controller, this.subscriptions);
  }

  async subscribeCheckpointed(options: CheckpointedSubscriptionOptions): Promise<CheckpointedSubscription> {
    this.checkpoints ??= kurrentDbCheckpointStore(this.client, this.namespace, this.deadlineMs);
    const subscription = await startCheckpointedSubscription(this, this.checkpoints, options);
    return trackCheckpointed(subscription, this.subscriptions);
  }

  /** The last event of this store in $all (system streams and other namespaces skipped), read backwards. */
  headPosition(): Promise<number> {
    return withRetries(
      async () => {
        const filter = toServerFilter(undefined, this.namespace);
        for await (const resolved of this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1, filter })) {
          const event = toRecordedEvent(resolved, this.namespace);
          if (event) return event.position;
        }
        return 0;
      },
      { what: 'head position' },
      this.deadlineMs,
    );
  }

  /** Closes every subscription (checkpointed ones save first), then the client. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose().catch(() => undefined);
  }

  /** Fallback when an append answer has no position (older servers): the stream's last event, read back. */
  private async lastPositionOf(name: string, streamId: string): Promise<number> {
    for await (const resolved of this.client.readStream(name, { direction: BACKWARDS, fromRevision: END, maxCount: 1 })) {
      const event = toRecordedEvent(resolved, this.namespace);
      if (event) return event.position;
    }
    throw new EventStoreUnavailableError(`event store unavailable (kurrentdb append): ${streamId} has no events after an append`);
  }

  /** The head now; appends from this store wait for it, so none of them can end up before it. */
  private fixHead(): Promise<number> {
    const head = this.headPosition();
    this.pendingHeads.add(head);
    const forget = (): void => void this.pendingHeads.delete(head);
    head.then(forget, forget);
    return head;
  }
}

/** Hides the password of a connection string in messages. */
export const redactUrl = (url: string): string => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

export const DEFAULT_CONNECT_TIMEOUT_MS = 3000;

export interface ConnectKurrentDbOptions extends KurrentDbEventStoreOptions {
  /** How long the start-up probe may take before the store counts as unreachable (default 3 s). */
  readonly connectTimeoutMs?: number;
}

/**
 * Creates the client and checks that the server answers (one read of the head) within `connectTimeoutMs`; otherwise
 * EventStoreUnavailableError naming the URL, so a service fails at start-up instead of on its first command.
 */
export async function createKurrentDbEventStore(url: string, options: ConnectKurrentDbOptions = {}): Promise<KurrentDbEventStore> {
  const where = redactUrl(url);
  let client: KurrentDBClient;
  try {
    client = KurrentDBClient.connectionString(url);
  } catch (error) {
    throw new EventStoreUnavailableError(`KurrentDB connection string ${where} is invalid: ${(error as Error).message}`, error);
  }
  const store = new KurrentDbEventStore(client, options);
  const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  try {
    // Retried within the timeout (a server still starting), then a hard bound in case an attempt itself hangs.
    const probe = new KurrentDbEventStore(client, { ...options, operationDeadlineMs: timeoutMs });
    await withTimeout(probe.headPosition(), timeoutMs + 1000, 'connect');
  } catch (error) {
    await client.dispose().catch(() => undefined);
    const reason = errorMessage(error);
    throw new EventStoreUnavailableError(`KurrentDB event store unreachable at ${where}: ${reason}`, error);
  }
  return store;
}
