import type { EventStore } from '@sched/event-store';

/**
 * Whether the log the projector is about to follow is the one its read models were built from: the event at the
 * checkpoint's position must still be there, with the id the checkpoint kept. A DATA_DIR (or SQLITE_PATH) moved
 * onto another server, a log deleted and created again, EVENT_STORE=memory started afresh: the read models would
 * otherwise answer with another system's tasks, and a `minPosition` read would wait on positions of that other
 * log. Returns why they do not match, or undefined when they do (or when nothing was applied yet).
 */
export async function foreignCheckpoint(store: EventStore, checkpoint: { readonly position: number; readonly eventId?: string } | undefined): Promise<string | undefined> {
  if (checkpoint === undefined || checkpoint.position === 0) return undefined;
  const head = await store.headPosition();
  if (head < checkpoint.position) return `the read models are at position ${checkpoint.position}, the log ends at ${head}`;
  // A checkpoint without an event id (every write keeps one since schema 16) has nothing to compare: taken as it is.
  if (checkpoint.eventId === undefined) return undefined;
  for await (const event of store.readAll({ from: { after: checkpoint.position - 1 } })) {
    if (event.position === checkpoint.position && event.id === checkpoint.eventId) return undefined;
    return `the log holds event ${event.id} at position ${event.position} where the read models applied ${checkpoint.eventId} at ${checkpoint.position}`;
  }
  return `the log holds no event at position ${checkpoint.position} (the read models applied ${checkpoint.eventId} there)`;
}
