import type { EventEnvelope, RecordedEvent } from '@sched/contracts';
import type { SnapshotStore } from './snapshots';

/**
 * What the writer believes about the stream:
 *  - 'no_stream': it must not exist yet (how a deterministic occurrence id is fired exactly once);
 *  - 'any': no check;
 *  - a number: the revision of the stream's last event, as read (optimistic concurrency).
 */
export type ExpectedVersion = 'no_stream' | 'any' | number;

export interface AppendResult {
  /** Revision of the last event appended: pass it as `expected` for the next append to the stream. */
  readonly nextExpectedVersion: number;
  /** Global position of the last event appended. */
  readonly position: number;
}

export interface ReadStreamOptions {
  /** First revision to return (default 0). */
  readonly fromRevision?: number;
  /**
   * For audit: every commit stored for the stream, in log order, each checked to continue the one before it (its
   * first revision next, naming that commit as its previous); one that does not is refused (OffChainCommitError).
   * A plain read follows the chain of commits back from the last, so a commit published around the store that
   * repeats a revision and names an earlier commit hides those it skips from every read, hash chain intact.
   * Stores whose appends only the store itself makes (memory, KurrentDB) read as usual.
   */
  readonly verbatim?: boolean;
}

/** Server-side where the adapter can, client-side otherwise; events must match every given criterion. */
export interface EventFilter {
  /** e.g. ['task-'] or ['task-', 'execution-']. */
  readonly streamPrefixes?: readonly string[];
  readonly eventTypes?: readonly string[];
}

/** 'start' = from the first event; 'end' = only events committed after subscribing; { after } = strictly after a position. */
export type SubscriptionStart = 'start' | 'end' | { readonly after: number };

export interface SubscribeAllOptions {
  readonly from: SubscriptionStart;
  readonly filter?: EventFilter;
}

/** A live subscription: every matching event once, in commit order, until closed. Reconnects by itself. */
export interface EventSubscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
  /**
   * A position every matching event at or before which has been handed out, read while the subscription waits for
   * more (undefined: not known). A filter that matches little would otherwise leave a checkpoint where its last
   * match was, and a restart read the whole log again from there.
   */
  readThrough?(): number | undefined;
}

export interface CheckpointedSubscriptionOptions {
  /** Durable name: the store remembers how far this subscriber got. */
  readonly name: string;
  /** Where to start when the name has no checkpoint yet. */
  readonly from: SubscriptionStart;
  readonly filter?: EventFilter;
  /**
   * Called for each event, one at a time, in commit order; the checkpoint moves only past events it completed.
   * A handler may resolve with `{ pending }`: its ordered part is done and the next event is handed over at once,
   * while the event completes only when `pending` settles (e.g. a publish awaiting its ack). A rejected `pending`
   * counts as a handler error. This lets a handler pipeline slow acknowledgements without losing anything.
   */
  readonly handler: (event: RecordedEvent) => Promise<void | HandlerPending>;
  /** How many events may have unsettled `pending` work at once (default 256). */
  readonly maxPending?: number;
  /** Called when the handler throws; the subscription then redelivers from the last checkpoint. */
  readonly onError?: (error: unknown, event: RecordedEvent) => void;
}

/** Work a handler started for an event but did not wait for: see CheckpointedSubscriptionOptions.handler. */
export interface HandlerPending {
  readonly pending: Promise<unknown>;
}

export interface CheckpointedSubscription {
  /** Position of the last event the handler completed (undefined before the first one). */
  readonly lastProcessed: () => number | undefined;
  /** Saves the checkpoint and stops. */
  close(): Promise<void>;
}

export interface ReadAllOptions {
  readonly from?: SubscriptionStart;
  readonly filter?: EventFilter;
}

export interface AppendOptions {
  readonly expected: ExpectedVersion;
  /**
   * Aborted: the append is no longer wanted, so a store retrying it through an outage does not send it again (it
   * fails with EventStoreUnavailableError). An attempt already sent may still land: this stops retries, nothing more.
   */
  readonly signal?: AbortSignal;
}

/** The event store port. Adapters: memory (tests), jetstream (default), kurrentdb. */
export interface EventStore {
  /** Appends the events atomically: all or none, contiguous in the stream, one global commit. */
  append(streamId: string, events: readonly EventEnvelope[], options: AppendOptions): Promise<AppendResult>;
  /** Every event of the stream from `fromRevision`, in order; [] when the stream does not exist. */
  read(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Every matching event in the log from `from` up to the head at the time of the call, then ends. */
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  subscribeAll(options: SubscribeAllOptions): EventSubscription;
  subscribeCheckpointed(options: CheckpointedSubscriptionOptions): Promise<CheckpointedSubscription>;
  /** Position of the last committed event in the log (0 when empty). */
  headPosition(): Promise<number>;
  /**
   * Events of one stream, in order up to its last, that the caller received from the log by other means than
   * read (the log dispatch consumer delivers an execution's first commit): a store that caches stream tips may
   * remember this one, so that an append expecting their last revision needs no read first. A hint, not a write:
   * if the stream has moved on since, that append fails its expected-version check as after any stale read.
   */
  noteCommitted?(streamId: string, events: readonly RecordedEvent[]): void;
  /**
   * True when this store can vouch, without a read, that `streamId` ended with the commit holding `position` as of
   * at most `maxAgeMs` ago (the JetStream adapter: its live tail delivered that commit, none of the stream after it,
   * and the log up to a commit stored that recently). False when it cannot tell — then read.
   */
  endsAt?(streamId: string, position: number, maxAgeMs: number): boolean;
  /**
   * Start keeping what `endsAt` needs, from now on (the JetStream adapter: its live tail remembers each stream's
   * last commit); until then `endsAt` is false. Called where an executor will ask, so other processes pay nothing.
   */
  trackEnds?(): void;
  /** Where folded states of long streams are kept between processes (snapshots.ts); none: streams are read whole. */
  readonly snapshots?: SnapshotStore;
  close(): Promise<void>;
}

/** Maximum events in one append: positions reserve room for this many events per commit. */
export const MAX_EVENTS_PER_APPEND = 1000;
