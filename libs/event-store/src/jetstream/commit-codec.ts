import { eventContractIssue, type EventEnvelope, type RecordedEvent } from '@sched/contracts';
import { toPosition } from '../positions';
import { parseStreamName } from '../stream-id';

/** Every event stream lives under this subject prefix of the one JetStream stream. */
export const SUBJECT_PREFIX = 'es';
export const ALL_SUBJECTS = `${SUBJECT_PREFIX}.>`;

/** `task-42` ↔ `es.task.42`, generally `<category>-<rest>` ↔ `es.<category>.<rest>`. */
export function toSubject(streamId: string): string {
  const { category, rest } = parseStreamName(streamId);
  return `${SUBJECT_PREFIX}.${category}.${rest}`;
}

export function toStreamId(subject: string): string {
  const first = subject.indexOf('.');
  const second = subject.indexOf('.', first + 1);
  return `${subject.slice(first + 1, second)}-${subject.slice(second + 1)}`;
}

/**
 * One message per append: the revision of its first event, the events in order, and the stream sequence of the
 * stream's previous commit (0 for the first). `p` is the sequence the server checked with
 * Nats-Expected-Last-Subject-Sequence, so it is always right; it lets a read walk a stream backwards with direct
 * gets instead of scanning the log for the next message of a subject.
 */
export interface CommitBody {
  readonly r: number;
  readonly e: readonly EventEnvelope[];
  readonly p?: number;
}

export function encodeCommit(firstRevision: number, previousSeq: number, events: readonly EventEnvelope[]): Uint8Array {
  const body: CommitBody = {
    r: firstRevision,
    p: previousSeq,
    // Only the envelope fields: callers may pass richer objects (e.g. RecordedEvents being copied).
    e: events.map(({ id, type, data, metadata }) => ({ id, type, data, metadata })),
  };
  // Buffer.from rather than TextEncoder: pooled for small commits, about twice as fast (the bytes are only read).
  return Buffer.from(JSON.stringify(body));
}

/** What every stream's first commit starts with: encodeCommit writes `r` first, and a stream begins at revision 0. */
const STREAM_START = Buffer.from('{"r":0,');

/**
 * Whether a stored commit is the first of its stream, read off its first bytes without decoding it: how the
 * dispatcher passes over the commits that follow an execution's TaskDue (about half of what it is delivered).
 */
export function isStreamStart(data: Uint8Array): boolean {
  if (data.length < STREAM_START.length) return false;
  for (let i = 0; i < STREAM_START.length; i++) if (data[i] !== STREAM_START[i]) return false;
  return true;
}

export class CorruptCommitError extends Error {
  constructor(
    readonly subject: string,
    readonly seq: number,
    reason: string,
    what = 'is not an event commit',
  ) {
    super(`message ${seq} on ${subject} ${what}: ${reason}`);
    this.name = 'CorruptCommitError';
  }
}

/**
 * A commit on a stream's subject that does not continue the commit before it on that subject: it repeats or skips
 * revisions, or names another commit as its previous (published around the store, which always appends after the
 * stream's last commit). Thrown by verbatim reads (audit).
 */
export class OffChainCommitError extends Error {
  constructor(
    readonly subject: string,
    readonly seq: number,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`commit ${seq} on ${subject} does not continue the stream: expected ${expected}, found ${actual}`);
    this.name = 'OffChainCommitError';
  }
}

/** Told of each message of the log that is not an event commit, where a read of the whole log passes over it. */
export type ForeignMessageHandler = (error: CorruptCommitError) => void;

/** What a read of the whole log makes of one stored message: its events (see logMessageEvents). */
export type LogMessageReader = (message: { readonly subject: string; readonly seq: number; readonly data: Uint8Array }) => RecordedEvent[];

/**
 * Says each such message once per process (the live tail and every catch-up read meet it), to `log`: an error, as
 * something other than sched wrote to its log (`schedctl audit verify` of its stream names it too).
 */
export function reportOncePerMessage(log: (text: string) => void): ForeignMessageHandler {
  const reported = new Set<number>();
  return (error) => {
    if (reported.has(error.seq)) return;
    if (reported.size >= 10_000) reported.clear();
    reported.add(error.seq);
    log(`passed over ${error.message} (something other than sched published on the log's subjects)`);
  };
}

/** Stateless between calls (no `stream` option): one decoder serves every commit read. */
const decoder = new TextDecoder();

export function decodeCommit(subject: string, seq: number, data: Uint8Array): CommitBody {
  let body: Partial<CommitBody>;
  try {
    body = JSON.parse(decoder.decode(data)) as Partial<CommitBody>;
  } catch (error) {
    throw new CorruptCommitError(subject, seq, (error as Error).message);
  }
  if (typeof body?.r !== 'number' || !Array.isArray(body.e) || body.e.length === 0 || !body.e.every(isEnvelope)) {
    throw new CorruptCommitError(subject, seq, 'expected { r: number, e: [{ id, type, data, metadata }, ...] }');
  }
  return body as CommitBody;
}

/** The envelope's shape only (what every reader relies on); the data is judged by the event's schema where it is used. */
const isEnvelope = (event: unknown): boolean => {
  const { id, type, metadata } = (event ?? {}) as Partial<EventEnvelope>;
  return typeof id === 'string' && typeof type === 'string' && typeof metadata === 'object' && metadata !== null;
};

/** Revision of the last event of a commit. */
export const lastRevision = (commit: CommitBody): number => commit.r + commit.e.length - 1;

export function toRecordedEvents(subject: string, seq: number, commit: CommitBody): RecordedEvent[] {
  const streamId = toStreamId(subject);
  return commit.e.map((event, index) => ({
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    streamId,
    revision: commit.r + index,
    position: toPosition(seq, index),
  }));
}

/** The events of a stored commit message, decoded: what every read of the log turns a message into. */
export const recordedEventsOf = (message: { readonly subject: string; readonly seq: number; readonly data: Uint8Array }): RecordedEvent[] =>
  toRecordedEvents(message.subject, message.seq, decodeCommit(message.subject, message.seq, message.data));

/**
 * The events of a message read off the whole log (live tail, range reads): one that is not an event commit (published
 * on `es.>` by something other than sched) holds none, and an event that breaks its contract is left out, each
 * reported, so one stray message cannot stop every reader of the log for good (the log denies deletes): the
 * projector, the timer and the process managers would otherwise fail on it, and retry it, forever. Reads of that
 * message's own stream still refuse a message that is no commit. The check costs ~1.7 µs of the ~300 of an
 * execution (its TaskDue, start and success).
 */
export function logMessageEvents(
  message: { readonly subject: string; readonly seq: number; readonly data: Uint8Array },
  onForeign: ForeignMessageHandler,
  checkContracts = true,
): RecordedEvent[] {
  let events: RecordedEvent[];
  try {
    events = recordedEventsOf(message);
  } catch (error) {
    if (!(error instanceof CorruptCommitError)) throw error;
    onForeign(error);
    return [];
  }
  if (!checkContracts) return events;
  for (let index = 0; index < events.length; index++) {
    const issue = eventContractIssue(events[index]);
    if (issue === undefined) continue;
    onForeign(new CorruptCommitError(message.subject, message.seq, issue, `holds an event that breaks its contract (${events[index].type}, revision ${events[index].revision})`));
    return events.filter((event) => eventContractIssue(event) === undefined);
  }
  return events;
}
