import { JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { EventEnvelope, RecordedEvent } from '@sched/contracts';
import { startCheckpointedSubscription, type CheckpointStore } from '../checkpointed-subscription';
import { EventStoreUnavailableError, InvalidAppendError, WrongExpectedVersionError } from '../errors';
import type {
  AppendResult,
  CheckpointedSubscription,
  CheckpointedSubscriptionOptions,
  EventFilter,
  EventStore,
  EventSubscription,
  AppendOptions,
  ExpectedVersion,
  ReadAllOptions,
  ReadStreamOptions,
  SubscribeAllOptions,
} from '../event-store.port';
import { trackCheckpointed, trackSubscription } from '../tracked-subscription';
import { afterPosition, commitSequenceOf, lastPositionOfCommit, toPosition } from '../positions';
import { validateAppend } from '../stream-id';
import { encodeCommit, lastRevision, logMessageEvents, reportOncePerMessage, toStreamId, toSubject, type CommitBody, type ForeignMessageHandler, type LogMessageReader } from './commit-codec';
import { DEFAULT_STREAM_NAME, ensureEventStream, type EventStreamFacts } from './event-stream';
import { openKvCheckpointStore } from './kv-checkpoint-store';
import { LogReader } from './log-reader';
import { LruCache } from '../lru-cache';
import { ResilientCalls } from './resilient-calls';
import { DEFAULT_SHARED_TAIL_OPTIONS, SharedTail, type SharedTailOptions } from './shared-tail';
import type { SnapshotStore } from '../snapshots';
import { KvSnapshotStore } from './kv-snapshot-store';

export interface JetStreamEventStoreOptions {
  readonly streamName?: string;
  readonly replicas?: number;
  readonly checkpointBucket?: string;
  /** The KV bucket of snapshots of long streams (default sched_snapshots). */
  readonly snapshotBucket?: string;
  /** How many streams' last revision/sequence to remember for numeric expected versions. */
  readonly versionCacheSize?: number;
  /** Timeout of one JetStream request (a publish or an API call); a timed-out attempt is retried. */
  readonly requestTimeoutMs?: number;
  /** How long an append or read keeps retrying through a disconnection before EventStoreUnavailableError. */
  readonly operationDeadlineMs?: number;
  /** Buffer and per-subscriber queue bounds of the consumer live subscriptions share (tests make them small). */
  readonly sharedTail?: Partial<SharedTailOptions>;
  /** Told of each message on `es.>` that is not an event commit, as reads of the whole log pass over it (default: stderr). */
  readonly onForeignMessage?: ForeignMessageHandler;
  /**
   * Whether reads of the whole log leave out events that break their contract (default true: the services, which
   * would fail on them for good). An export passes false: a backup copies the log as it is.
   */
  readonly checkEventContracts?: boolean;
}

/** Where a stream ends: the revision of its last event and the stream sequence of the commit holding it. */
interface StreamTip {
  readonly revision: number;
  readonly seq: number;
}

const NO_STREAM: StreamTip = { revision: -1, seq: 0 };
const WRONG_LAST_SEQUENCE = JetStreamApiCodes.StreamWrongLastSequence;
const ANY_VERSION_ATTEMPTS = 50;

/** Creates (or updates) the event stream, then the store. */
export async function createJetStreamEventStore(
  nc: NatsConnection,
  options: JetStreamEventStoreOptions = {},
): Promise<JetStreamEventStore> {
  const timeout = options.requestTimeoutMs ?? 5000;
  const jsm = await jetstreamManager(nc, { timeout });
  const log = await ensureEventStream(jsm, options.streamName ?? DEFAULT_STREAM_NAME, options.replicas ?? 1);
  return new JetStreamEventStore(nc, jsm, jetstream(nc, { timeout }), options, log);
}

/** The event store on one JetStream stream, one message per append: see ARCHITECTURE.md. */
export class JetStreamEventStore implements EventStore {
  private readonly streamName: string;
  private readonly calls: ResilientCalls;
  private readonly reader: LogReader;
  private readonly tips: LruCache<string, StreamTip>;
  /** Lookups that fix "the head at the time of the call": appends from this store wait for them. */
  private readonly pendingHeads = new Set<Promise<unknown>>();
  private readonly subscriptions = new Set<{ close(): Promise<void> }>();
  /**
   * The consumer all live subscriptions share, on the whole log: filters apply per subscription. In every app the
   * execution events are the bulk and some subscription wants them, so narrower consumers would save little.
   */
  private readonly tail: SharedTail;
  private checkpoints?: Promise<CheckpointStore>;
  private closed = false;
  readonly snapshots: SnapshotStore;

  constructor(
    private readonly nc: NatsConnection,
    jsm: JetStreamManager,
    private readonly js: JetStreamClient,
    private readonly options: JetStreamEventStoreOptions = {},
    log: EventStreamFacts = { direct: false },
  ) {
    this.streamName = options.streamName ?? DEFAULT_STREAM_NAME;
    this.calls = new ResilientCalls(nc, options.operationDeadlineMs);
    const onForeign = options.onForeignMessage ?? reportOncePerMessage((text) => console.error(`event store: ${text}`));
    const checkContracts = options.checkEventContracts ?? true;
    const eventsOf: LogMessageReader = (message) => logMessageEvents(message, onForeign, checkContracts);
    this.reader = new LogReader(js, jsm, this.calls, this.streamName, log.direct, eventsOf);
    this.tips = new LruCache(options.versionCacheSize ?? 100_000);
    this.snapshots = new KvSnapshotStore(js, options.snapshotBucket);
    // Catching up is a bounded read: that one does use the filter on the server.
    const catchUp = (after: number, headSeq: number, filter: EventFilter | undefined) => this.reader.readRange(after, headSeq, filter);
    this.tail = new SharedTail(js, this.calls, this.streamName, catchUp, eventsOf, { ...DEFAULT_SHARED_TAIL_OPTIONS, ...options.sharedTail });
  }

  async append(streamId: string, events: readonly EventEnvelope[], options: AppendOptions): Promise<AppendResult> {
    validateAppend(streamId, events);
    const subject = toSubject(streamId);
    if (this.pendingHeads.size > 0) await Promise.allSettled([...this.pendingHeads]);
    const { expected } = options;
    for (let attempt = 1; ; attempt++) {
      const tip = await this.expectedTip(streamId, subject, expected);
      try {
        return await this.publish(streamId, subject, events, tip, options.signal);
      } catch (error) {
        if (!(error instanceof JetStreamApiError && error.code === WRONG_LAST_SEQUENCE)) throw error;
        this.tips.delete(streamId);
        if (expected === 'any' && attempt < ANY_VERSION_ATTEMPTS) continue;
        throw new WrongExpectedVersionError(streamId, expected, (await this.lastTip(streamId, subject)).revision);
      }
    }
  }

  async read(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const subject = toSubject(streamId);
    const from = options.fromRevision ?? 0;
    if (options.verbatim) return this.reader.readVerbatim(subject, from);
    const last = await this.reader.lastCommit(subject);
    if (!last) return [];
    this.remember(streamId, { revision: lastRevision(last.commit), seq: last.message.seq });
    return lastRevision(last.commit) < from ? [] : this.reader.readStream(subject, last, from);
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const head = this.fixHead();
    const from = options.from ?? 'start';
    const after = from === 'end' ? head.then(lastPositionOfCommit) : Promise.resolve(afterPosition(from));
    after.catch(() => undefined); // surfaces when iterated; never an unhandled rejection if it is not
    const reader = this.reader;
    return (async function* () {
      const [afterPosition_, headSeq] = await Promise.all([after, head]);
      yield* reader.readRange(afterPosition_, headSeq, options.filter);
    })();
  }

  subscribeAll(options: SubscribeAllOptions): EventSubscription {
    const { from, filter } = options;
    const after = from === 'end' ? this.fixHead().then(lastPositionOfCommit) : Promise.resolve(afterPosition(from));
    after.catch(() => undefined); // surfaces when iterated; never an unhandled rejection
    const controller = new AbortController();
    const progress: { readThrough?: number } = {};
    const generator = this.live(after, filter, controller.signal, progress);
    return trackSubscription(generator, controller, this.subscriptions, () => progress.readThrough);
  }

  async subscribeCheckpointed(options: CheckpointedSubscriptionOptions): Promise<CheckpointedSubscription> {
    this.checkpoints ??= openKvCheckpointStore(this.js, this.calls, this.options.checkpointBucket ?? 'sched_checkpoints');
    // A failed bucket creation must not stick: the next call tries again.
    const checkpoints = await this.checkpoints.catch((error: unknown) => {
      this.checkpoints = undefined;
      throw error;
    });
    const subscription = await startCheckpointedSubscription(this, checkpoints, options);
    return trackCheckpointed(subscription, this.subscriptions);
  }

  headPosition(): Promise<number> {
    return this.reader.headPosition();
  }

  noteCommitted(streamId: string, events: readonly RecordedEvent[]): void {
    const last = events[events.length - 1];
    if (last) this.remember(streamId, { revision: last.revision, seq: commitSequenceOf(last.position) });
  }

  endsAt(streamId: string, position: number, maxAgeMs: number): boolean {
    return this.tail.coverage.endsAt(streamId, commitSequenceOf(position), maxAgeMs, Date.now());
  }

  trackEnds(): void {
    this.tail.coverage.track();
  }

  /** Closes every subscription (checkpointed ones save first); the connection belongs to the caller. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.subscriptions].map((subscription) => subscription.close()));
    this.calls.stop();
  }

  private async expectedTip(streamId: string, subject: string, expected: ExpectedVersion): Promise<StreamTip> {
    if (expected === 'no_stream' || expected === -1) return NO_STREAM;
    const cached = this.tips.get(streamId);
    if (cached && (expected === 'any' || cached.revision === expected)) return cached;
    const tip = await this.lastTip(streamId, subject);
    if (expected !== 'any' && tip.revision !== expected) throw new WrongExpectedVersionError(streamId, expected, tip.revision);
    return tip;
  }

  private async lastTip(streamId: string, subject: string): Promise<StreamTip> {
    const last = await this.reader.lastCommit(subject);
    if (!last) return NO_STREAM;
    const tip = { revision: lastRevision(last.commit), seq: last.message.seq };
    this.remember(streamId, tip);
    return tip;
  }

  private async publish(streamId: string, subject: string, events: readonly EventEnvelope[], tip: StreamTip, signal?: AbortSignal): Promise<AppendResult> {
    const body = encodeCommit(tip.revision + 1, tip.seq, events);
    const maxPayload = this.nc.info?.max_payload ?? Number.POSITIVE_INFINITY;
    if (body.length > maxPayload) throw new InvalidAppendError(`append to ${streamId}: ${body.length} bytes, max ${maxPayload}`);
    // The first event's id dedupes a retried publish whose first attempt did land (retries keep the same headers).
    const publishOptions = { msgID: events[0].id, expect: { lastSubjectSequence: tip.seq } };
    const ack = await this.calls.run('append', () => this.js.publish(subject, body, publishOptions), undefined, signal);
    let stored: CommitBody = { r: tip.revision + 1, e: events };
    if (ack.duplicate) {
      // Our own earlier attempt, or an id appended before: the stored commit tells which.
      const original = await this.reader.commitAt(ack.seq);
      if (!original || original.message.subject !== subject) {
        const owner = original ? toStreamId(original.message.subject) : 'another stream';
        throw new InvalidAppendError(`event id ${events[0].id} was appended to ${owner} less than 2 minutes ago`);
      }
      stored = original.commit;
    }
    this.remember(streamId, { revision: lastRevision(stored), seq: ack.seq });
    return { nextExpectedVersion: lastRevision(stored), position: toPosition(ack.seq, stored.e.length - 1) };
  }

  /** Never moves a cached tip back: a read that started before an append may finish after it. */
  private remember(streamId: string, tip: StreamTip): void {
    const cached = this.tips.get(streamId);
    if (!cached || cached.seq < tip.seq) this.tips.set(streamId, tip);
  }

  /** The log's last sequence now; appends from this store wait for it, so none of them can end up before it. */
  private fixHead(): Promise<number> {
    const head = this.reader.lastSequence();
    this.pendingHeads.add(head);
    const forget = (): void => void this.pendingHeads.delete(head);
    head.then(forget, forget);
    return head;
  }

  private async *live(after: Promise<number>, filter: EventFilter | undefined, signal: AbortSignal, progress: { readThrough?: number }): AsyncGenerator<RecordedEvent> {
    if (this.closed) throw new EventStoreUnavailableError('event store closed');
    const start = await after;
    if (!signal.aborted) yield* this.tail.subscribe(start, filter, signal, progress);
  }
}
