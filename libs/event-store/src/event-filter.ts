import type { RecordedEvent } from '@sched/contracts';
import type { EventFilter } from './event-store.port';

/** Client-side filter: an event matches when it meets every given criterion. */
export function matchesFilter(event: RecordedEvent, filter: EventFilter | undefined): boolean {
  if (!filter) return true;
  const { streamPrefixes, eventTypes } = filter;
  if (streamPrefixes && streamPrefixes.length > 0 && !streamPrefixes.some((p) => event.streamId.startsWith(p))) {
    return false;
  }
  return !(eventTypes && eventTypes.length > 0 && !eventTypes.includes(event.type));
}
