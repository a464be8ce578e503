import type { HistoryEntry, RecordedEvent } from '@sched/contracts';

/** A page must fit in one NATS reply: most of max_payload, leaving room for the reply envelope. */
export const pageByteBudget = (maxPayload: number): number => Math.max(64 * 1024, Math.floor(maxPayload * 0.8) - 4096);

export const toHistoryEntry = ({ streamId, revision, position, id, type, data, metadata }: RecordedEvent): HistoryEntry => ({
  streamId,
  revision,
  position,
  id,
  type,
  data,
  metadata,
});

/**
 * Takes events (in position order) while they fit the count and the byte budget; always at least one, so a page
 * makes progress. `more` says whether anything was left out.
 */
export function fitPage(sorted: readonly RecordedEvent[], limit: number, maxBytes: number): { entries: HistoryEntry[]; more: boolean } {
  const entries: HistoryEntry[] = [];
  let bytes = 0;
  for (const event of sorted) {
    if (entries.length >= limit) break;
    const entry = toHistoryEntry(event);
    bytes += Buffer.byteLength(JSON.stringify(entry)) + 1;
    if (entries.length > 0 && bytes > maxBytes) break;
    entries.push(entry);
  }
  return { entries, more: entries.length < sorted.length };
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
