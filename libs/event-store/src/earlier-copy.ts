import { upcast, type RecordedEvent } from '@sched/contracts';
import type { EventStore } from './event-store.port';

/**
 * How many of a stream's newest events are searched for what an earlier copy of a command appended. A retry comes
 * seconds or minutes after its first copy; one that comes after more events than this decides afresh (as the task
 * decider's remembered trigger ids, TRIGGER_IDS_KEPT, also end somewhere).
 */
export const EARLIER_COPY_SEARCH_EVENTS = 10_000;
/** The first search reads this many newest events; each next one four times as many. */
const FIRST_WINDOW = 64;

/** Whose events a command's are: the command's id (its causation id) and the writer that appends for it. */
export interface CommandCause {
  readonly causationId: string;
  readonly actor: string;
}

/** What an earlier copy of a command appended, upcast: the events of its reply, then the revision and position of the last. */
export interface EarlierCopy {
  readonly events: readonly RecordedEvent[];
  readonly revision: number;
  readonly position: number;
}

const causedBy = (event: RecordedEvent, cause: CommandCause): boolean =>
  event.metadata.causationId === cause.causationId && event.metadata.actor === cause.actor;

/**
 * The events an earlier copy of a command appended to `streamId` (from `lastRevision` back), or undefined. A copy
 * whose append landed but whose ack was lost answered UNAVAILABLE and stored no reply, so its retry decides on a
 * state that already holds it: nothing to do, or a refusal (the task it created exists). The stream still says
 * what the copy did: its events carry the command's id as their causation id, in one run (one commit, or the
 * successive commits of one command). Read newest first in growing windows: a retry's copy is usually recent.
 */
export async function findEarlierCopy(store: EventStore, streamId: string, cause: CommandCause, lastRevision: number): Promise<EarlierCopy | undefined> {
  const oldest = Math.max(0, lastRevision + 1 - EARLIER_COPY_SEARCH_EVENTS);
  for (let window = FIRST_WINDOW, from = lastRevision + 1; from > oldest; window *= 4) {
    from = Math.max(oldest, lastRevision + 1 - window);
    const events = await store.read(streamId, { fromRevision: from });
    const last = events.findLastIndex((event) => causedBy(event, cause));
    if (last < 0) continue;
    let first = last;
    while (first > 0 && causedBy(events[first - 1], cause)) first -= 1;
    // A run that starts before the window: read from a little earlier (its commits are consecutive).
    if (first === 0 && from > oldest) continue;
    const found = events.slice(first, last + 1);
    return { events: found.map((event) => upcast(event)), revision: found.at(-1)!.revision, position: found.at(-1)!.position };
  }
  return undefined;
}
