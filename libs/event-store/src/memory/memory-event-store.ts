import type { EventEnvelope, RecordedEvent } from '@sched/contracts';
import { startCheckpointedSubscription, type CheckpointStore } from '../checkpointed-subscription';
import { EventStoreUnavailableError, WrongExpectedVersionError } from '../errors';
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
  SubscriptionStart,
} from '../event-store.port';
import { afterPosition, toPosition } from '../positions';
import { parseStreamName, validateAppend } from '../stream-id';
import { MemorySnapshotStore } from '../snapshots';

/**
 * In-process event store for unit tests. Same rules as the real adapters (stream ids, positions
 * commit * 1000 + index, atomic appends), and events are JSON round-tripped like on the wire.
 */
export class MemoryEventStore implements EventStore {
  /** Every event in commit order. */
  private readonly log: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly checkpoints = new Map<string, number>();
  private readonly checkpointed = new Set<CheckpointedSubscription>();
  private commits = 0;
  readonly snapshots = new MemorySnapshotStore();
  private wakeUps: Array<() => void> = [];
  private closed = false;

  async append(
    streamId: string,
    events: readonly EventEnvelope[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    validateAppend(streamId, events);
    if (options.signal?.aborted) throw new EventStoreUnavailableError('event store unavailable (append): aborted');
    // Everything below is synchronous: the check and the commit cannot interleave with another append.
    const stream = this.streams.get(streamId) ?? [];
    const actual = stream.length - 1;
    const { expected } = options;
    const ok = expected === 'any' || (expected === 'no_stream' ? actual === -1 : expected === actual);
    if (!ok) throw new WrongExpectedVersionError(streamId, expected, actual);
    const commit = ++this.commits;
    const recorded = events.map(
      (event, index): RecordedEvent => ({
        ...(JSON.parse(JSON.stringify({ id: event.id, type: event.type, data: event.data, metadata: event.metadata })) as EventEnvelope),
        streamId,
        revision: stream.length + index,
        position: toPosition(commit, index),
      }),
    );
    stream.push(...recorded);
    this.streams.set(streamId, stream);
    this.log.push(...recorded);
    this.wake();
    const last = recorded[recorded.length - 1];
    return { nextExpectedVersion: last.revision, position: last.position };
  }

  async read(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    parseStreamName(streamId);
    return (this.streams.get(streamId) ?? []).slice(options.fromRevision ?? 0);
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const after = this.resolve(options.from ?? 'start');
    const end = this.log.length; // the head at the time of the call
    const first = this.indexAfter(after);
    const log = this.log;
    return (async function* () {
      for (let i = first; i < end; i++) if (matchesFilter(log[i], options.filter)) yield log[i];
    })();
  }

  subscribeAll(options: SubscribeAllOptions): EventSubscription {
    let next = this.indexAfter(this.resolve(options.from));
    let closed = false;
    let readThrough: number | undefined;
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const generator = (async function* (this: MemoryEventStore) {
      while (!closed && !this.closed) {
        while (next < this.log.length && !closed) {
          const event = this.log[next++];
          if (matchesFilter(event, options.filter)) yield event;
        }
        if (closed) return;
        if (next > 0) readThrough = this.log[next - 1].position; // every match up to here handed out
        await Promise.race([stopped, new Promise<void>((resolve) => this.wakeUps.push(resolve))]);
      }
    }).call(this);
    return {
      [Symbol.asyncIterator]: () => generator,
      readThrough: () => readThrough,
      close: async () => {
        closed = true;
        stop();
        await generator.return(undefined);
      },
    };
  }

  async subscribeCheckpointed(options: CheckpointedSubscriptionOptions): Promise<CheckpointedSubscription> {
    const checkpoints: CheckpointStore = {
      load: async (name) => this.checkpoints.get(name),
      save: async (name, position) => void this.checkpoints.set(name, position),
    };
    const subscription = await startCheckpointedSubscription(this, checkpoints, options);
    this.checkpointed.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<number> {
    return this.log.length === 0 ? 0 : this.log[this.log.length - 1].position;
  }

  async close(): Promise<void> {
    // Checkpointed subscriptions first: they would otherwise re-subscribe when their subscription ends.
    await Promise.all([...this.checkpointed].map((subscription) => subscription.close()));
    this.closed = true;
    this.wake();
  }

  private resolve(from: SubscriptionStart): number {
    if (from !== 'end') return afterPosition(from);
    return this.log.length === 0 ? 0 : this.log[this.log.length - 1].position;
  }

  /** Index in the log of the first event with a position greater than `after` (binary search). */
  private indexAfter(after: number): number {
    let low = 0;
    let high = this.log.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.log[mid].position <= after) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private wake(): void {
    const wakeUps = this.wakeUps;
    this.wakeUps = [];
    for (const wakeUp of wakeUps) wakeUp();
  }
}
