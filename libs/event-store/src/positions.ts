import { MAX_EVENTS_PER_APPEND } from './event-store.port';
import type { SubscriptionStart } from './event-store.port';

/**
 * Global position of event `index` of the commit with sequence `commitSequence` (>= 1): every commit reserves room
 * for MAX_EVENTS_PER_APPEND events, so positions are unique per event and increase in commit order.
 */
export const toPosition = (commitSequence: number, index: number): number =>
  commitSequence * MAX_EVENTS_PER_APPEND + index;

/** The commit that holds `position` (0 for position 0, i.e. "before the first commit"). */
export const commitSequenceOf = (position: number): number => Math.floor(position / MAX_EVENTS_PER_APPEND);

/** The highest position a commit can hold: "after" it means "from the next commit on". */
export const lastPositionOfCommit = (commitSequence: number): number => toPosition(commitSequence, MAX_EVENTS_PER_APPEND - 1);

/** 'start' and { after } as an "after" position; 'end' needs the head, so the adapter resolves it. */
export function afterPosition(from: Exclude<SubscriptionStart, 'end'>): number {
  return from === 'start' ? 0 : from.after;
}
