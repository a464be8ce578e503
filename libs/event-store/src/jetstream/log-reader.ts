import type { DirectMsgRequest, JetStreamClient, JetStreamManager, JsMsg, MsgRequest, StoredMsg } from '@nats-io/jetstream';
import type { RecordedEvent } from '@sched/contracts';
import { matchesFilter } from '../event-filter';
import type { EventFilter } from '../event-store.port';
import { commitSequenceOf, lastPositionOfCommit, toPosition } from '../positions';
import { orderedMessages } from './commit-reader';
import { CorruptCommitError, OffChainCommitError, decodeCommit, recordedEventsOf, toRecordedEvents, type CommitBody, type LogMessageReader } from './commit-codec';
import type { ResilientCalls } from './resilient-calls';
import { serverFilterSubject } from './server-filter';

/** A stored commit message with its decoded body. */
export interface StoredCommit {
  readonly message: StoredMsg | JsMsg;
  readonly commit: CommitBody;
}

/** How many messages that are no event commits headPosition looks past at the end of the log. */
const MAX_FOREIGN_AT_HEAD = 1000;

/** Commits read one direct get at a time (walking back); a longer stream's older commits come from a consumer. */
const BACKWARD_HOPS = 32;

const decoded = (message: StoredMsg | JsMsg): StoredCommit => ({
  message,
  commit: decodeCommit(message.subject, message.seq, message.data),
});

/** Everything that reads the JetStream event log: single streams, ranges of the log, live tails. */
export class LogReader {
  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly calls: ResilientCalls,
    private readonly streamName: string,
    /** The log serves direct gets (allow_direct): cheaper than the API's get, same answers on one replica. */
    private readonly direct = false,
    /** How a message of a range read becomes events (the store's: it passes over what sched did not write). */
    private readonly eventsOf: LogMessageReader = recordedEventsOf,
  ) {}

  /** The last commit of one event stream (by subject), or undefined when the stream does not exist. */
  async lastCommit(subject: string): Promise<StoredCommit | undefined> {
    const message = await this.get('read last commit', { last_by_subj: subject });
    return message ? decoded(message) : undefined;
  }

  async commitAt(seq: number): Promise<StoredCommit | undefined> {
    const message = await this.get('read commit', { seq });
    return message ? decoded(message) : undefined;
  }

  /** The log's last stream sequence (0 when empty). */
  async lastSequence(): Promise<number> {
    return this.calls.run('stream info', async () => (await this.jsm.streams.info(this.streamName)).state.last_seq);
  }

  async headPosition(): Promise<number> {
    // Stream info + get by sequence: both O(1), where a last_by_subj lookup on `es.>` scans subjects.
    // Past messages that are no event commits (logMessageEvents): the head is the last event, which readers reach.
    let seq = await this.lastSequence();
    for (let skipped = 0; seq > 0; seq--, skipped++) {
      // Beyond that many, the bound "after them all": only a wait for it would time out.
      if (skipped > MAX_FOREIGN_AT_HEAD) return lastPositionOfCommit(seq);
      const last = await this.commitAt(seq).catch((error: unknown) => {
        if (error instanceof CorruptCommitError) return undefined;
        throw error;
      });
      if (last) return toPosition(last.message.seq, last.commit.e.length - 1);
    }
    return 0;
  }

  /** The events of one stream from revision `from`, given its last commit. */
  async readStream(subject: string, last: StoredCommit, from: number): Promise<RecordedEvent[]> {
    // Walk back along `p` to the commit holding `from`: one cheap get per commit, no scan of the log.
    const chain: StoredCommit[] = [last];
    let oldest = last;
    for (let hops = 0; oldest.commit.r > from && (oldest.commit.p ?? 0) > 0 && hops < BACKWARD_HOPS; hops++) {
      const previous = await this.commitAt(oldest.commit.p as number);
      if (!previous) break;
      chain.push((oldest = previous));
    }
    chain.reverse();
    if (oldest.commit.r > from) {
      // A long stream: an ordered consumer on its subject streams the older commits faster than more round trips.
      const older: StoredCommit[] = [];
      const reader = { streamName: this.streamName, filterSubject: subject, startSeq: 1, persistent: false, batch: 1000 };
      for await (const message of orderedMessages(this.js, this.calls, reader)) {
        if (message.seq >= oldest.message.seq) break; // returning the generator deletes its consumer
        older.push(decoded(message));
      }
      chain.unshift(...older);
    }
    const events: RecordedEvent[] = [];
    for (const { message, commit } of chain) {
      if (commit.r + commit.e.length <= from) continue;
      for (const event of toRecordedEvents(message.subject, message.seq, commit)) if (event.revision >= from) events.push(event);
    }
    return events;
  }

  /**
   * Every commit on the stream's subject, first to last (one direct get each), checked to chain: each starts at the
   * revision after the previous one's events and names its sequence as `p` (ReadStreamOptions.verbatim). One after
   * commits that are gone (later revisions, a previous commit no longer there) is read on: the events then skip
   * revisions, which the hash chain's check names (revision-gap).
   */
  async readVerbatim(subject: string, from: number): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    let [revision, previousSeq] = [0, 0];
    for (let message = await this.get('read stream', { next_by_subj: subject, seq: 1 }); message; ) {
      const { commit } = decoded(message);
      // Commits gone before it (deleted, or dropped by the server as corrupt): a revision gap, which the audit names.
      const afterLoss = commit.r > revision && (commit.p ?? previousSeq) > previousSeq;
      if (!afterLoss && (commit.r !== revision || (commit.p ?? previousSeq) !== previousSeq)) {
        throw new OffChainCommitError(subject, message.seq, `revision ${revision} after commit ${previousSeq}`, `revision ${commit.r} after commit ${commit.p ?? '(none)'}`);
      }
      for (const event of toRecordedEvents(message.subject, message.seq, commit)) if (event.revision >= from) events.push(event);
      [revision, previousSeq] = [commit.r + commit.e.length, message.seq];
      message = await this.get('read stream', { next_by_subj: subject, seq: message.seq + 1 });
    }
    return events;
  }

  /** Matching events with a position after `after`, up to the commit `headSeq`; then ends. */
  async *readRange(after: number, headSeq: number, filter?: EventFilter): AsyncGenerator<RecordedEvent> {
    const startSeq = Math.max(1, commitSequenceOf(after));
    if (headSeq < startSeq) return;
    const filterSubject = serverFilterSubject(filter);
    // A filtered consumer waits for its next match forever, so the read ends at the last commit that can match: the
    // log's last one on the filter subject, if that comes before the head. Not at num_pending 0: nats-server 2.9.10
    // miscounts it for wildcard filters (the same consumer created three times on an idle log: 15, 15 and 23 pending
    // where 15 was true), and a catch-up waiting for commits that did not exist held every shutdown of the timer.
    let endSeq = headSeq;
    if (filterSubject) {
      const last = await this.get('read all', { last_by_subj: filterSubject });
      if (!last || last.seq < startSeq) return;
      endSeq = Math.min(headSeq, last.seq);
    }
    const reader = { streamName: this.streamName, filterSubject, startSeq, persistent: false, batch: 1000 };
    for await (const message of orderedMessages(this.js, this.calls, reader)) {
      if (message.seq > endSeq) return;
      yield* this.matching(message, after, filter);
      if (message.seq >= endSeq) return;
    }
  }

  private matching(message: JsMsg, after: number, filter: EventFilter | undefined): RecordedEvent[] {
    const events = this.eventsOf(message);
    return events.filter((event) => event.position > after && matchesFilter(event, filter));
  }

  private get(what: string, query: DirectMsgRequest): Promise<StoredMsg | null> {
    // The API's get takes next_by_subj too (nats-server 2.9), though nats.js types it for direct gets only.
    const get = this.direct ? () => this.jsm.direct.getMessage(this.streamName, query) : () => this.jsm.streams.getMessage(this.streamName, query as MsgRequest);
    return this.calls.run(what, get);
  }
}
