import type { JetStreamClient } from '@nats-io/jetstream';
import type { RecordedEvent } from '@sched/contracts';
import { matchesFilter } from '../event-filter';
import type { EventFilter } from '../event-store.port';
import { commitSequenceOf, lastPositionOfCommit } from '../positions';
import { orderedMessages, type OrderedReadOptions } from './commit-reader';
import type { LogMessageReader } from './commit-codec';
import type { ResilientCalls } from './resilient-calls';
import { TailCoverage } from './tail-coverage';

export interface SharedTailOptions {
  /** Decoded commits kept for subscribers that join a little behind the tail. */
  readonly bufferedCommits: number;
  /** Events queued for one subscriber before it is cut loose to catch up on its own (a slow consumer). */
  readonly maxQueuedEvents: number;
  /** Streams whose last commit the tail remembers (see TailCoverage). */
  readonly coveredStreams: number;
}

export const DEFAULT_SHARED_TAIL_OPTIONS: SharedTailOptions = { bufferedCommits: 4096, maxQueuedEvents: 20_000, coveredStreams: 100_000 };

interface Commit {
  readonly seq: number;
  readonly events: readonly RecordedEvent[];
}

/** A live subscription attached to the tail: the tail pushes matching events, the subscription pulls them. */
class Member {
  private queue: RecordedEvent[] = [];
  /** The last position of the last commit offered, matching or not. */
  seenThrough: number;
  /** Set when its queue overflowed (or the tail failed): it stops receiving and must catch up alone. */
  detached = false;
  failure?: unknown;
  private wake?: () => void;

  private readonly onAbort = (): void => this.notify();

  constructor(
    readonly after: number,
    readonly filter: EventFilter | undefined,
    private readonly signal: AbortSignal,
  ) {
    // One listener for the member's life, not one per wait: a subscriber reading as fast as commits arrive waits
    // once per event (1M-event replay, measured: ~4% of the read spent adding and removing listeners).
    signal.addEventListener('abort', this.onAbort, { once: true });
    this.seenThrough = after;
  }

  get queued(): number {
    return this.queue.length;
  }

  dispose(): void {
    this.signal.removeEventListener('abort', this.onAbort);
  }

  offer(commit: Commit, maxQueued: number): void {
    for (const event of commit.events) {
      if (event.position > this.after && matchesFilter(event, this.filter)) this.queue.push(event);
    }
    this.seenThrough = Math.max(this.seenThrough, lastPositionOfCommit(commit.seq));
    if (this.queue.length > maxQueued) this.detached = true;
    this.notify();
  }

  /** Everything queued so far, in order; the queue starts over empty. */
  take(): RecordedEvent[] {
    const queued = this.queue;
    this.queue = [];
    return queued;
  }

  notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  waitForMore(): Promise<void> {
    return new Promise((resolve) => {
      if (this.signal.aborted || this.queue.length > 0 || this.detached || this.failure) return resolve();
      this.wake = resolve;
    });
  }
}

/** Reads what lies before the tail's reach: the log from `after` up to commit `headSeq`, then ends. */
export type CatchUpReader = (after: number, headSeq: number, filter: EventFilter | undefined) => AsyncIterable<RecordedEvent>;

/**
 * One ordered consumer on the log shared by every live subscription of a process: each commit is fetched and decoded
 * once and fanned out, where a consumer per subscription made the server send, and this process parse, every commit
 * once per subscriber (four of them in the standalone app).
 * A subscription starting behind the tail's buffer catches up on its own (a bounded read) and then joins; one that
 * falls too far behind (its queue overflows) is cut loose the same way, so one slow subscriber neither holds the
 * others back nor grows memory without bound. The consumer exists while someone listens.
 */
export class SharedTail {
  private readonly members = new Set<Member>();
  private readonly buffer: Commit[] = [];
  /** The next sequence the consumer will deliver; the buffer holds the commits just before it. */
  private nextSeq = 0;
  private stop?: AbortController;
  readonly coverage: TailCoverage;

  constructor(
    private readonly js: JetStreamClient,
    private readonly calls: ResilientCalls,
    private readonly streamName: string,
    private readonly catchUp: CatchUpReader,
    /** How a delivered message becomes events (the store's: it passes over what sched did not write). */
    private readonly eventsOf: LogMessageReader,
    private readonly options: SharedTailOptions = DEFAULT_SHARED_TAIL_OPTIONS,
  ) {
    this.coverage = new TailCoverage(options.coveredStreams);
  }

  /**
   * Matching events after `after`, forever (until `signal` aborts), across reconnects and server restarts.
   * `progress.readThrough` is set, while the subscription waits for more, to where it has read the log.
   */
  async *subscribe(after: number, filter: EventFilter | undefined, signal: AbortSignal, progress: { readThrough?: number } = {}): AsyncGenerator<RecordedEvent> {
    let position = after;
    while (!signal.aborted) {
      const member = this.join(position, filter, signal);
      if (!member) {
        // Behind the buffer: read up to where the tail is now on our own, then try again (the gap shrinks each time).
        const headSeq = this.nextSeq - 1;
        for await (const event of this.catchUp(position, headSeq, filter)) {
          if (signal.aborted) return;
          position = event.position;
          yield event;
        }
        position = Math.max(position, lastPositionOfCommit(headSeq));
        continue;
      }
      try {
        while (!signal.aborted) {
          for (const event of member.take()) {
            position = event.position;
            yield event;
            if (signal.aborted) return;
          }
          if (member.failure) throw member.failure;
          if (member.detached) break;
          // Every match up to what it was offered has been handed out (nothing queued): that far is read.
          if (member.queued === 0) progress.readThrough = member.seenThrough;
          await member.waitForMore();
        }
      } finally {
        this.leave(member);
      }
    }
  }

  /**
   * Attaches a subscription whose next commit is within reach (buffered or still to come), after handing it the
   * buffered commits it has not seen; undefined when it is further behind. Synchronous, so no commit slips between.
   */
  private join(after: number, filter: EventFilter | undefined, signal: AbortSignal): Member | undefined {
    // The first commit not wholly delivered: `after` may sit inside a commit, or be the last position of one.
    const needed = Math.max(1, commitSequenceOf(after + 1));
    if (!this.stop) this.start(needed);
    const oldest = this.buffer.length > 0 ? this.buffer[0].seq : this.nextSeq;
    if (needed < oldest) return undefined;
    const member = new Member(after, filter, signal);
    for (const commit of this.buffer) if (commit.seq >= needed) member.offer(commit, Number.POSITIVE_INFINITY);
    this.members.add(member);
    return member;
  }

  private leave(member: Member): void {
    member.dispose();
    this.members.delete(member);
    this.haltIfUnheard();
  }

  /**
   * Nobody listens (the last member left, or every member fell behind: a rebuild replaying the log from the start,
   * say): reading on for nobody would decode every commit twice, here and in a catch-up read. The next subscriber
   * to join starts the tail again.
   */
  private haltIfUnheard(): void {
    if (this.members.size === 0) this.halt();
  }

  private start(fromSeq: number): void {
    const stop = (this.stop = new AbortController());
    this.nextSeq = fromSeq;
    this.buffer.length = 0;
    this.coverage.reset();
    void this.run(fromSeq, stop.signal);
  }

  private halt(): void {
    this.stop?.abort();
    this.stop = undefined;
    this.buffer.length = 0;
    this.coverage.reset();
  }

  private async run(fromSeq: number, signal: AbortSignal): Promise<void> {
    const reader: OrderedReadOptions = { streamName: this.streamName, startSeq: fromSeq, persistent: true, signal };
    try {
      for await (const message of orderedMessages(this.js, this.calls, reader)) {
        if (signal.aborted) return;
        const commit = { seq: message.seq, events: this.eventsOf(message) };
        this.nextSeq = message.seq + 1;
        if (commit.events.length > 0) this.coverage.saw(commit.events[0].streamId, commit.seq, message.info.timestampNanos / 1e6);
        this.buffer.push(commit);
        if (this.buffer.length > this.options.bufferedCommits) this.buffer.shift();
        for (const member of this.members) {
          if (member.detached) continue;
          member.offer(commit, this.options.maxQueuedEvents);
          if (member.detached) this.members.delete(member);
        }
        this.haltIfUnheard(); // aborts `signal`: the loop ends at the next message
      }
    } catch (error) {
      if (signal.aborted) return;
      // The consumer gave up (the connection closed): every subscriber learns it.
      for (const member of this.members) {
        member.failure = error;
        member.notify();
      }
      this.members.clear();
      if (this.stop?.signal === signal) this.halt();
    }
  }
}
