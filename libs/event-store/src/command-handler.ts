import { randomUUID } from 'node:crypto';
import {
  EVENT_SCHEMA_VERSIONS,
  assertValidEventData,
  isSchedEventType,
  isoTime,
  jsonBytes,
  upcast,
  type DomainEvent,
  type EventEnvelope,
  type RecordedEvent,
  type TaskDue,
  toExecutionStreamId,
} from '@sched/contracts';
import { CONFLICT_ATTEMPTS, conflictBackoffMs } from './conflict-backoff';
import { findEarlierCopy } from './earlier-copy';
import { WrongExpectedVersionError } from './errors';
import type { AppendResult, EventStore, ExpectedVersion } from './event-store.port';
import { KeyedSerialQueue } from './keyed-serial-queue';
import { LruCache } from './lru-cache';
import { codecId, type SnapshotCodec } from './snapshots';

/** Per store, the streams a command is being handled on in this process. */
const streamQueues = new WeakMap<EventStore, KeyedSerialQueue>();

/**
 * Per store and decider, the folded state of long streams as of a revision: a command (or readState) reads and folds
 * only what came after it. A task triggered every second gains 86,400 events a day, each command on it read and folded them all.
 * Short streams (executions, most tasks) are not kept: they are read whole in one request and fold in microseconds.
 */
const stateCaches = new WeakMap<EventStore, WeakMap<object, Kept>>();
const CACHED_FROM_EVENTS = 32;
const CACHED_STREAMS = 1_000;
/** How many streams read whole and found too short for a snapshot are remembered, so their next read skips the lookup. */
const SHORT_STREAMS = 10_000;
/**
 * A stream folded this many events past its last snapshot gets a new one (deciders with a codec, stores with
 * snapshots): a process that has not folded it yet reads at most about this many events, not the whole stream.
 */
export const SNAPSHOT_EVERY_EVENTS = 1_000;

interface Folded<State> {
  readonly revision: number;
  readonly state: State;
  /** Id of the event at `revision` (what a snapshot of this state is checked against). */
  readonly lastEventId: string | undefined;
  /** When the event at `revision` occurred (epoch ms): the next event is stamped no earlier (see toEnvelopes). */
  readonly lastOccurredAtMs: number | undefined;
  /** Revision of the stream's newest snapshot this process knows of (-1: none). */
  readonly snapshotAt: number;
}

type FoldingDecider<State, Event extends DomainEvent> = Omit<DeciderLike<State, never, Event>, 'decide'>;

/** What one store and decider keep in this process. */
interface Kept {
  readonly states: LruCache<string, Folded<unknown>>;
  /**
   * Streams read whole with fewer events than SNAPSHOT_EVERY_EVENTS: none has a snapshot (short streams are not in
   * `states`, so without this each command on one asked the snapshot store first, in vain).
   */
  readonly short: LruCache<string, true>;
}

function keptOf(store: EventStore, decider: object): Kept {
  let byDecider = stateCaches.get(store);
  if (!byDecider) stateCaches.set(store, (byDecider = new WeakMap()));
  let kept = byDecider.get(decider);
  if (!kept) byDecider.set(decider, (kept = { states: new LruCache(CACHED_STREAMS), short: new LruCache(SHORT_STREAMS) }));
  return kept;
}

/**
 * The stream's state and revision: the cached fold plus what came after it, else its snapshot plus what came after
 * that, else the whole stream; kept in the cache when the stream is long (folded from recorded events: a command
 * reads its own events back next time). Events the store returns from another revision than asked (a stream that is
 * not what the cache remembers) drop the entry.
 */
async function foldedState<State, Event extends DomainEvent>(store: EventStore, streamId: string, decider: FoldingDecider<State, Event>): Promise<Folded<State>> {
  const { states: cache, short } = keptOf(store, decider);
  const cached = cache.get(streamId) as Folded<State> | undefined;
  let folded: Folded<State> | undefined;
  if (cached) {
    const newer = await store.read(streamId, { fromRevision: cached.revision + 1 });
    if (newer.length === 0 || newer[0].revision === cached.revision + 1) {
      const { revision, state, lastEventId, lastOccurredAtMs, snapshotAt } = cached;
      const last = newer.at(-1);
      folded = {
        revision: revision + newer.length,
        state: foldOnto(decider, state, newer),
        lastEventId: last?.id ?? lastEventId,
        lastOccurredAtMs: last ? occurredAtMs(last) : lastOccurredAtMs,
        snapshotAt,
      };
    } else {
      cache.delete(streamId);
    }
  }
  if (!folded && !short.get(streamId)) folded = await fromSnapshot(store, streamId, decider);
  if (!folded) {
    const history = await store.read(streamId);
    const last = history.at(-1);
    folded = { revision: history.length - 1, state: foldHistory(decider, history), lastEventId: last?.id, lastOccurredAtMs: last && occurredAtMs(last), snapshotAt: -1 };
    if (history.length < SNAPSHOT_EVERY_EVENTS) short.set(streamId, true);
    else short.delete(streamId);
  }
  folded = snapshotIfDue(store, streamId, decider, folded);
  if (folded.revision + 1 >= CACHED_FROM_EVENTS) cache.set(streamId, folded);
  return folded;
}

/** The stream's snapshot and what came after it, when the snapshot is usable (see snapshots.ts). */
async function fromSnapshot<State, Event extends DomainEvent>(store: EventStore, streamId: string, decider: FoldingDecider<State, Event>): Promise<Folded<State> | undefined> {
  const codec = decider.snapshots;
  if (!codec || !store.snapshots) return undefined;
  const snapshot = await store.snapshots.load(streamId).catch(() => undefined);
  if (snapshot?.codec !== codecId(codec)) return undefined;
  // From the snapshot's own revision: its event must still be the one the snapshot was taken after.
  const events = await store.read(streamId, { fromRevision: snapshot.revision });
  if (events[0]?.revision !== snapshot.revision || events[0].id !== snapshot.eventId) return undefined;
  let state: State;
  try {
    state = codec.decode(snapshot.state);
  } catch {
    return undefined;
  }
  const after = events.slice(1);
  const last = events.at(-1)!;
  return { revision: snapshot.revision + after.length, state: foldOnto(decider, state, after), lastEventId: last.id, lastOccurredAtMs: occurredAtMs(last), snapshotAt: snapshot.revision };
}

/** Saves a snapshot in the background once the stream has grown SNAPSHOT_EVERY_EVENTS past the last one. */
function snapshotIfDue<State, Event extends DomainEvent>(store: EventStore, streamId: string, decider: FoldingDecider<State, Event>, folded: Folded<State>): Folded<State> {
  const codec = decider.snapshots;
  const { revision, state, lastEventId, snapshotAt } = folded;
  if (!codec || !store.snapshots || lastEventId === undefined || revision - snapshotAt < SNAPSHOT_EVERY_EVENTS) return folded;
  const snapshot = { codec: codecId(codec), revision, eventId: lastEventId, state: codec.encode(state) };
  // Best effort: a snapshot that is not saved costs the next new process a longer read, nothing else.
  void store.snapshots.save(streamId, snapshot).catch(() => undefined);
  return { ...folded, snapshotAt: revision };
}

/** Who and what caused the events a command produces. */
export interface CausationContext {
  readonly correlationId: string;
  readonly causationId: string;
  readonly actor: string;
  readonly nowMs: number;
}

/** When a recorded event occurred, in epoch ms. */
export const occurredAtMs = (event: RecordedEvent): number => Date.parse(event.metadata.occurredAt);

/**
 * Wraps domain events into validated, versioned envelopes ready to append, stamped `context.nowMs` or, when that is
 * earlier, `notBeforeMs`: the time the stream's last event occurred. A command keeps the time it arrived through its
 * turn in the stream's queue and its conflict retries, and processes' clocks differ, so without this a stream's
 * events were recorded up to 2.6 s out of time order (two gateways triggering one task), and as-of, which folds a
 * stream up to its first event after the instant, left out events that occurred before it.
 */
export function toEnvelopes(events: readonly DomainEvent[], context: CausationContext, notBeforeMs?: number): EventEnvelope[] {
  const occurredAt = isoTime(notBeforeMs === undefined || Number.isNaN(notBeforeMs) ? context.nowMs : Math.max(context.nowMs, notBeforeMs));
  return events.map((event) => {
    assertValidEventData(event.type, event.data);
    const schemaVersion = isSchedEventType(event.type) ? EVENT_SCHEMA_VERSIONS[event.type] : 1;
    return {
      id: randomUUID(),
      type: event.type,
      data: event.data,
      metadata: {
        correlationId: context.correlationId,
        causationId: context.causationId,
        occurredAt,
        schemaVersion,
        actor: context.actor,
      },
    };
  });
}

export interface DeciderLike<State, Command, Event extends DomainEvent> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
  /** Given, long streams of this decider get snapshots in stores that keep them (snapshots.ts). */
  readonly snapshots?: SnapshotCodec<State>;
}

/** A stream's events, upcast, folded into the decider's state: what a command is decided on. */
export const foldHistory = <State, Event extends DomainEvent>(decider: FoldingDecider<State, Event>, history: readonly RecordedEvent[]): State =>
  foldOnto(decider, decider.initialState(), history);

const foldOnto = <State, Event extends DomainEvent>(decider: FoldingDecider<State, Event>, state: State, events: readonly RecordedEvent[]): State =>
  events.map((event) => upcast(event) as RecordedEvent as unknown as Event).reduce(decider.evolve, state);

/** The current state of a stream, as a command on it would be decided on (read models may lag; this does not). */
export async function readState<State, Event extends DomainEvent>(
  store: EventStore,
  streamId: string,
  decider: Omit<DeciderLike<State, never, Event>, 'decide'>,
): Promise<State> {
  return (await foldedState(store, streamId, decider)).state;
}

/** An execution stream's first event, its TaskDue (upcast), or undefined when the stream is not an execution's. */
export async function readTaskDue(store: EventStore, executionId: string): Promise<TaskDue['data'] | undefined> {
  const [first] = await store.read(toExecutionStreamId(executionId));
  return first?.type === 'TaskDue' ? (upcast(first).data as TaskDue['data']) : undefined;
}

export interface HandledCommand<State> {
  readonly state: State;
  readonly appended: readonly EventEnvelope[];
  /** Revision of the stream's last event after the command; -1 when the stream still does not exist. */
  readonly revision: number;
  readonly position?: number;
}

export interface HandleCommandOptions {
  /** Attempts against writers in other processes (default CONFLICT_ATTEMPTS). */
  readonly maxAttempts?: number;
  /**
   * Decided events bigger than this as JSON go in several commits, each under it where an event allows (one
   * JetStream message holds 1 MiB). Only for a decider that decides what is left from the state alone: a crash
   * between the commits leaves the rest to the command's redelivery, which must decide exactly that.
   */
  readonly splitCommitsOverBytes?: number;
  /**
   * The context's causationId is the id the caller gave the command, and a retry carries it again: when the decider
   * decides nothing or refuses, the events an earlier copy appended (found by that id, earlier-copy.ts) are the
   * answer, as that copy's reply would have been. Its reply is lost when its append landed but the ack did not.
   */
  readonly answerEarlierCopy?: boolean;
}

/**
 * Emmett's command handler: read the stream, fold it, decide, append with the expected version. A version
 * conflict means someone appended in between: read again and decide again (the decider sees the new state).
 * Commands on one stream from this process take turns, so they never race each other (a burst of triggers on one
 * task used to exhaust the attempts and answer CONFLICT); the attempts are left for writers in other processes,
 * with a random pause between them that grows with each lost race (conflict-backoff.ts).
 */
export function handleCommand<State, Command, Event extends DomainEvent>(
  store: EventStore,
  streamId: string,
  decider: DeciderLike<State, Command, Event>,
  command: Command,
  context: CausationContext,
  options: HandleCommandOptions = {},
): Promise<HandledCommand<State>> {
  let queue = streamQueues.get(store);
  if (!queue) streamQueues.set(store, (queue = new KeyedSerialQueue()));
  return queue.run(streamId, () => decideAndAppend(store, streamId, decider, command, context, options));
}

/** Envelopes in runs of at most `maxBytes` as JSON (an event bigger than that alone), in order. */
export function commitsOf(envelopes: readonly EventEnvelope[], maxBytes: number | undefined): (readonly EventEnvelope[])[] {
  if (maxBytes === undefined) return [envelopes];
  const commits: EventEnvelope[][] = [];
  let bytes = 0;
  for (const envelope of envelopes) {
    const size = jsonBytes(envelope);
    const last = commits[commits.length - 1];
    if (last && bytes + size <= maxBytes) {
      last.push(envelope);
      bytes += size;
    } else {
      commits.push([envelope]);
      bytes = size;
    }
  }
  return commits;
}

async function decideAndAppend<State, Command, Event extends DomainEvent>(
  store: EventStore,
  streamId: string,
  decider: DeciderLike<State, Command, Event>,
  command: Command,
  context: CausationContext,
  { maxAttempts = CONFLICT_ATTEMPTS, splitCommitsOverBytes, answerEarlierCopy = false }: HandleCommandOptions,
): Promise<HandledCommand<State>> {
  for (let attempt = 1; ; attempt += 1) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, conflictBackoffMs(attempt)));
    const { state, revision, lastOccurredAtMs } = await foldedState(store, streamId, decider);
    const earlierCopy = async (): Promise<HandledCommand<State> | undefined> => {
      const found = answerEarlierCopy ? await findEarlierCopy(store, streamId, context, revision) : undefined;
      return found && { state, appended: found.events, revision: found.revision, position: found.position };
    };
    let events: Event[];
    try {
      events = decider.decide(command, state);
    } catch (refusal) {
      // Refused on a state the earlier copy made (the task it created exists, the one it deleted is gone).
      const earlier = await earlierCopy();
      if (earlier) return earlier;
      throw refusal;
    }
    if (events.length === 0) return (await earlierCopy()) ?? { state, appended: [], revision };
    // Stamped per attempt: appended with the expected revision, so never before the event it comes after.
    const envelopes = toEnvelopes(events, context, lastOccurredAtMs);
    let expected: ExpectedVersion = revision < 0 ? 'no_stream' : revision;
    try {
      let result: AppendResult | undefined;
      for (const commit of commitsOf(envelopes, splitCommitsOverBytes)) {
        result = await store.append(streamId, commit, { expected });
        expected = result.nextExpectedVersion;
      }
      const newState = events.reduce(decider.evolve, state);
      return { state: newState, appended: envelopes, revision: result!.nextExpectedVersion, position: result!.position };
    } catch (error) {
      // A conflict after a first commit went in: deciding again on the state with it gives what is left.
      if (!WrongExpectedVersionError.is(error) || attempt >= maxAttempts) throw error;
    }
  }
}
