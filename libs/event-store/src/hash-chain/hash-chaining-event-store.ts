import type { EventEnvelope, RecordedEvent } from '@sched/contracts';
import { WrongExpectedVersionError } from '../errors';
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
import { LruCache } from '../lru-cache';
import type { SnapshotStore } from '../snapshots';
import { KeyedSerialQueue } from '../keyed-serial-queue';
import { GENESIS_HASH, withChainedHashes } from './hash-chain';

/** The last event of a stream as this process last saw it: enough to chain the next append without a read. */
interface ChainTip {
  readonly revision: number;
  readonly hash: string;
}

const NO_STREAM_TIP: ChainTip = { revision: -1, hash: GENESIS_HASH };
/** An 'any' append is pinned to the tip it read; another process appending in between means read and try again. */
const ANY_VERSION_ATTEMPTS = 20;

/**
 * Adds `metadata.hash` to every appended event, chaining it to the previous event of its stream (see hash-chain.ts).
 * Every app gets its store through this decorator (SchedCoreModule), so every writer chains. The previous hash is
 * the hash of the event at the expected revision: the store's concurrency check then guarantees the chain is right
 * (a writer that chained on a stale tip is rejected with WrongExpectedVersion). Tips are cached per stream, like
 * the JetStream adapter caches versions, so a read-then-append costs no extra read; appends to one stream from this
 * process are serialised so they chain on each other.
 */
export class HashChainingEventStore implements EventStore {
  private readonly tips: LruCache<string, ChainTip>;
  private readonly queues = new KeyedSerialQueue();

  constructor(
    readonly inner: EventStore,
    cacheSize = 100_000,
  ) {
    this.tips = new LruCache(cacheSize);
  }

  append(streamId: string, events: readonly EventEnvelope[], options: AppendOptions): Promise<AppendResult> {
    return this.queues.run(streamId, () => this.appendChained(streamId, events, options.expected, options.signal));
  }

  async read(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const events = await this.inner.read(streamId, options);
    this.rememberLastOf(streamId, events);
    return events;
  }

  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    return this.inner.readAll(options);
  }

  subscribeAll(options: SubscribeAllOptions): EventSubscription {
    return this.inner.subscribeAll(options);
  }

  subscribeCheckpointed(options: CheckpointedSubscriptionOptions): Promise<CheckpointedSubscription> {
    return this.inner.subscribeCheckpointed(options);
  }

  headPosition(): Promise<number> {
    return this.inner.headPosition();
  }

  noteCommitted(streamId: string, events: readonly RecordedEvent[]): void {
    this.inner.noteCommitted?.(streamId, events);
    this.rememberLastOf(streamId, events);
  }

  endsAt(streamId: string, position: number, maxAgeMs: number): boolean {
    return this.inner.endsAt?.(streamId, position, maxAgeMs) === true;
  }

  trackEnds(): void {
    this.inner.trackEnds?.();
  }

  get snapshots(): SnapshotStore | undefined {
    return this.inner.snapshots;
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async appendChained(streamId: string, events: readonly EventEnvelope[], expected: ExpectedVersion, signal?: AbortSignal): Promise<AppendResult> {
    for (let attempt = 1; ; attempt++) {
      const tip = expected === 'any' ? await this.currentTip(streamId) : await this.tipAt(streamId, expected);
      const chained = withChainedHashes(tip.hash, events);
      try {
        const result = await this.inner.append(streamId, chained, { expected: tip.revision < 0 ? 'no_stream' : tip.revision, signal });
        // A duplicate append (same first event id) may return an earlier commit: only trust what we can vouch for.
        if (result.nextExpectedVersion === tip.revision + events.length) {
          this.remember(streamId, { revision: result.nextExpectedVersion, hash: chained[chained.length - 1].metadata.hash! });
        } else {
          this.tips.delete(streamId);
        }
        return result;
      } catch (error) {
        this.tips.delete(streamId);
        if (!(WrongExpectedVersionError.is(error) && expected === 'any' && attempt < ANY_VERSION_ATTEMPTS)) {
          throw WrongExpectedVersionError.is(error) ? new WrongExpectedVersionError(streamId, expected, error.actual) : error;
        }
      }
    }
  }

  /** The tip when the writer expects revision `expected`: cached, or the hash of the event at that revision. */
  private async tipAt(streamId: string, expected: Exclude<ExpectedVersion, 'any'>): Promise<ChainTip> {
    if (expected === 'no_stream' || expected < 0) return NO_STREAM_TIP;
    const cached = this.tips.get(streamId);
    if (cached?.revision === expected) return cached;
    const [event] = await this.inner.read(streamId, { fromRevision: expected });
    // No event there: the stream is shorter, so the append fails its expected-version check whatever we send.
    return { revision: expected, hash: event?.metadata.hash ?? GENESIS_HASH };
  }

  /** The stream's real last event, for an append that expects 'any'. */
  private async currentTip(streamId: string): Promise<ChainTip> {
    const cached = this.tips.get(streamId);
    const events = await this.inner.read(streamId, { fromRevision: cached ? cached.revision : 0 });
    const last = events[events.length - 1];
    if (!last) return cached && cached.revision >= 0 ? await this.currentTip(this.forget(streamId)) : NO_STREAM_TIP;
    return { revision: last.revision, hash: last.metadata.hash ?? GENESIS_HASH };
  }

  private forget(streamId: string): string {
    this.tips.delete(streamId);
    return streamId;
  }

  /** The tip the last of `events` (a stream's, in order) makes, if any. */
  private rememberLastOf(streamId: string, events: readonly RecordedEvent[]): void {
    const last = events[events.length - 1];
    if (last) this.remember(streamId, { revision: last.revision, hash: last.metadata.hash ?? GENESIS_HASH });
  }

  private remember(streamId: string, tip: ChainTip): void {
    const cached = this.tips.get(streamId);
    if (!cached || cached.revision < tip.revision) this.tips.set(streamId, tip);
  }
}
