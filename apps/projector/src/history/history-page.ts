import { jsonBytes, type HistoryEntry, type RecordedEvent } from '@sched/contracts';
import { fitItems } from '../queries/reply-budget';

/** The entry of one event; `taskId` when known (see HistoryEntry.taskId). */
export const toHistoryEntry = ({ streamId, revision, position, id, type, data, metadata }: RecordedEvent, taskId?: string): HistoryEntry =>
  taskId === undefined ? { streamId, revision, position, id, type, data, metadata } : { streamId, revision, position, id, type, data, metadata, taskId };

/**
 * Takes events (in position order) while they fit the count and the byte budget; always at least one, so a page
 * makes progress (an event is never cut: it was one message of the store, so it fits a reply). `more` says whether
 * anything was left out.
 */
export function fitPage(
  sorted: readonly RecordedEvent[],
  limit: number,
  maxBytes: number,
  taskIdOf: (streamId: string) => string | undefined = () => undefined,
): { entries: HistoryEntry[]; more: boolean } {
  const { taken, more } = fitItems(sorted.map((event) => toHistoryEntry(event, taskIdOf(event.streamId))), limit, maxBytes, jsonBytes);
  return { entries: taken, more };
}

/** Where a stream starts in the log: streams are merged in this order. */
export interface StreamStart {
  readonly streamId: string;
  readonly start: number;
}

/**
 * Merges the events after `after` of several streams (sorted by where they start) into the first `limit` in
 * position order, reading as few streams as it can: once `limit` events are in hand, a stream that starts after the
 * last of them cannot contribute to this page.
 */
export async function mergeStreams(
  streams: readonly StreamStart[],
  read: (streamId: string) => Promise<RecordedEvent[]>,
  after: number,
  limit: number,
  keep: (event: RecordedEvent) => boolean,
): Promise<{ events: RecordedEvent[]; unread: boolean }> {
  let collected: RecordedEvent[] = [];
  for (let i = 0; i < streams.length; i++) {
    if (collected.length >= limit && streams[i].start > collected[limit - 1].position) return { events: collected, unread: true };
    const events = (await read(streams[i].streamId)).filter((event) => event.position > after && keep(event));
    collected.push(...events);
    if (collected.length >= limit) {
      collected.sort((a, b) => a.position - b.position);
      // Keep one more than the page: it tells the caller there is a next page.
      collected = collected.slice(0, limit + 1);
    }
  }
  return { events: collected.sort((a, b) => a.position - b.position), unread: false };
}
