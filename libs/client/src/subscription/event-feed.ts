import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { ErrorCode, Subjects, isPublishedLive, type HistoryEntry, type HistoryPage, type HistoryQueryInput } from '@sched/contracts';
import { SchedClientError } from '../errors';
import { AsyncQueue } from './async-queue';
import { StreamRevisions } from './stream-revisions';

export interface SubscribeOptions {
  /**
   * Only this task's events: its own stream, all its executions and its workflow runs' streams (a step's execution
   * belongs to its pseudo task `<taskId>:<stepId>`). Default: every event.
   */
  readonly taskId?: string;
  /** Only these event types (e.g. ['TaskSucceeded', 'TaskFailed']). */
  readonly types?: readonly string[];
  /** Replay the history after this global position first, then go live. Default: from now. */
  readonly fromPosition?: number;
}

/** An event as a subscriber sees it: the recorded event, plus its task id when the relay or the query knows it. */
export interface FeedEvent extends HistoryEntry {
  readonly taskId?: string;
}

export type HistoryPager = (query: HistoryQueryInput) => Promise<HistoryPage>;

const PAGE_SIZE = 500;
/**
 * Events waiting for a slow consumer before the feed stops holding live ones: they are read back from history as
 * it catches up, a page at a time once fewer than RESUME_BELOW wait (a consumer 20 ms an event behind ~180 events/s
 * grew the heap ~0.5 GB an hour, without bound).
 */
const MAX_WAITING = 10_000;
const RESUME_BELOW = 1_000;
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 2000;
/** Asks for the log's head only: no event lies after this position. */
const HEAD_ONLY = Number.MAX_SAFE_INTEGER;

/**
 * A history error that may pass (no service answers yet, NATS is away, a fault on the server): retried. Any other
 * (VALIDATION, NOT_FOUND, UNAUTHORIZED, BAD_REQUEST) would come back the same every time: it ends the feed.
 */
const isTransient = (error: unknown): boolean =>
  !SchedClientError.is(error) || error.code === ErrorCode.UNAVAILABLE || error.code === ErrorCode.INTERNAL;

/**
 * A live event feed that misses nothing: the relay's `sched.evt.*` messages while connected, the history (read from
 * the store through `sched.query.history`) after a disconnect or when a stream skips a revision, deduped by
 * (streamId, revision). While catching up, live messages are buffered and delivered after the history. A history
 * error no retry cures ends the feed with it: the iterator throws that SchedClientError after what came before.
 */
export class EventFeed implements AsyncIterable<FeedEvent> {
  private readonly queue = new AsyncQueue<FeedEvent>(() => void this.close());
  private readonly revisions = new StreamRevisions();
  private readonly subscriptions: Subscription[] = [];
  private buffer: FeedEvent[] | undefined = [];
  private position = 0;
  private catchingUp?: Promise<void>;
  /** A catch-up asked for while one runs; `from` undefined means "from the last delivered position". */
  private pending?: { from?: number };
  private closed = false;
  private readonly delivered = { live: 0, history: 0 };
  /** The connection's status events, stopped when the feed closes (else they held every closed feed in memory). */
  private status?: AsyncIterable<{ type: string }> & { stop?: () => void };

  constructor(
    private readonly nc: NatsConnection,
    private readonly history: HistoryPager,
    private readonly options: SubscribeOptions = {},
  ) {}

  /** Subscribes, then catches up from `fromPosition` (or the head); live messages wait in the buffer meanwhile. */
  start(): this {
    const { taskId } = this.options;
    const subjects = taskId
      ? [Subjects.evt.task(taskId, '*'), Subjects.evt.executionsOfTask(taskId), Subjects.evt.workflowsOfTask(taskId)]
      : [Subjects.evt.all];
    for (const subject of subjects) {
      const callback = (error: Error | null, msg: Msg): void => {
        if (!error) this.onLive(msg.json<FeedEvent>());
      };
      this.subscriptions.push(this.nc.subscribe(subject, { callback }));
    }
    void this.watchConnection();
    void this.catchUp(this.options.fromPosition);
    return this;
  }

  /** How many events came live and how many had to be read from history (those the live subjects missed). */
  stats(): { readonly live: number; readonly history: number } {
    return { ...this.delivered };
  }

  /** Events held for the consumer: queued for it, and live ones kept while history is read. Bounded (MAX_WAITING). */
  backlog(): number {
    return this.queue.size + (this.buffer?.length ?? 0);
  }

  /** Global position of the last event delivered (or caught up to). */
  lastPosition(): number {
    return this.position;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    this.status?.stop?.();
    this.queue.end();
  }

  /** Ends the feed with `error`: the consumer gets the events before it, then the error. */
  private fail(error: unknown): void {
    if (this.closed) return;
    this.queue.end(error);
    void this.close();
  }

  [Symbol.asyncIterator](): AsyncIterator<FeedEvent> {
    return this.queue;
  }

  private onLive(event: FeedEvent): void {
    if (this.closed) return;
    if (this.buffer) {
      // Catching up for long (a slow consumer): what was held is let go and read from history after this round.
      if (this.buffer.length >= MAX_WAITING) {
        this.buffer = [];
        this.pending ??= {};
      }
      this.buffer.push(event);
      return;
    }
    if (this.queue.size >= MAX_WAITING) {
      // The consumer is far behind: live events are held no more; history brings them as it catches up.
      this.buffer = [event];
      void this.catchUp();
      return;
    }
    if (this.revisions.classify(event.streamId, event.revision) === 'gap') {
      // Replay from the stream's last delivered event: the missing ones lie after it (and maybe before `position`).
      this.buffer = [event];
      void this.catchUp(this.revisions.positionOf(event.streamId));
      return;
    }
    this.deliver(event);
  }

  private deliver(event: FeedEvent, source: 'live' | 'history' = 'live'): void {
    if (!isPublishedLive(event.streamId)) return; // what the live feed never has, a replay leaves out too
    if (this.revisions.classify(event.streamId, event.revision) === 'duplicate') return;
    this.delivered[source] += 1;
    this.revisions.record(event.streamId, event.revision, event.position);
    if (event.position > this.position) this.position = event.position;
    const { types } = this.options;
    if (!types || types.length === 0 || types.includes(event.type)) this.queue.push(event);
  }

  /** A dropped connection may lose live messages: buffer from the drop, catch up through history once back. */
  private async watchConnection(): Promise<void> {
    this.status = this.nc.status();
    for await (const status of this.status) {
      if (this.closed) return;
      if (status.type === 'disconnect') this.buffer ??= [];
      if (status.type === 'reconnect') void this.catchUp();
    }
  }

  /**
   * Reads history after the last position (or `from`, if earlier) until the end, then delivers the buffer. One
   * catch-up at a time; a request during one makes it read again afterwards from the earliest position asked for.
   */
  private catchUp(from?: number): Promise<void> {
    this.buffer ??= [];
    const earlier = this.pending?.from;
    this.pending = { from: from === undefined ? earlier : earlier === undefined ? from : Math.min(from, earlier) };
    this.catchingUp ??= (async () => {
      while (this.pending && !this.closed) {
        const { from: start } = this.pending;
        this.pending = undefined;
        await this.replayHistory(start);
      }
      this.drainBuffer();
    })().finally(() => (this.catchingUp = undefined));
    return this.catchingUp;
  }

  private async replayHistory(from: number | undefined): Promise<void> {
    const { taskId } = this.options;
    let after = from ?? (this.position > 0 ? this.position : undefined);
    for (let failures = 0; !this.closed; ) {
      await this.queue.whenBelow(RESUME_BELOW); // a page more only once the consumer has taken most of the last
      if (this.closed) return;
      try {
        // No position yet: subscribing "from now" means from the head.
        const page = await this.history({ taskId, afterPosition: after ?? HEAD_ONLY, limit: PAGE_SIZE });
        if (after === undefined) {
          this.position = page.head;
          return;
        }
        for (const entry of page.events) this.deliver(taskId ? { ...entry, taskId } : entry, 'history');
        if (page.nextCursor === undefined) return;
        after = page.nextCursor;
        failures = 0;
      } catch (error) {
        if (!isTransient(error)) return this.fail(error);
        // The service or NATS is not back yet: try again, with back-off, for as long as the feed is open.
        failures += 1;
        await new Promise((resolve) => setTimeout(resolve, Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** failures)));
      }
    }
  }

  /**
   * Buffered live messages in commit order, deduped against what the history delivered. The history ran up to at
   * least the moment the buffering started, so what is still missing cannot be recovered by reading it again.
   */
  private drainBuffer(): void {
    const buffered = (this.buffer ?? []).sort((a, b) => a.position - b.position);
    this.buffer = undefined;
    for (const event of buffered) this.deliver(event);
  }
}
