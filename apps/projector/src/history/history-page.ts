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

/**
 * A stream to merge, with where it reaches the page's side of the log: paging forward, where it starts (its first
 * event); backward, where it ends (its latest). Streams are merged in that order.
 */
export interface StreamReach {
  readonly streamId: string;
  readonly reach: number;
}

/** A page of history: which way it reads from its cursor, and how many events it holds at most. */
export interface PageSpec {
  readonly direction: 'forward' | 'backward';
  readonly cursor: number;
  readonly limit: number;
}

/** Positive when position `a` comes after `b` in a page of this direction (backward: latest first). */
export const pageOrder = (direction: PageSpec['direction']): ((a: number, b: number) => number) =>
  direction === 'forward' ? (a, b) => a - b : (a, b) => b - a;

/**
 * Merges the events of several streams on the page's side of `cursor` (after it forward, before it backward) into
 * the first `limit` in page order (by position; backward: latest first), one more when there is more, reading as few
 * streams as it can: once `limit` events are in hand, a stream that only reaches past the last of them cannot
 * contribute to this page.
 */
export async function mergeStreams(
  streams: readonly StreamReach[],
  read: (streamId: string) => Promise<RecordedEvent[]>,
  page: PageSpec,
  keep: (event: RecordedEvent) => boolean,
): Promise<{ events: RecordedEvent[]; unread: boolean }> {
  const { cursor, limit } = page;
  const comesAfter = pageOrder(page.direction);
  const byPage = (a: RecordedEvent, b: RecordedEvent): number => comesAfter(a.position, b.position);
  let collected: RecordedEvent[] = [];
  for (const stream of streams) {
    if (collected.length >= limit && comesAfter(stream.reach, collected[limit - 1].position) > 0) return { events: collected, unread: true };
    const events = (await read(stream.streamId)).filter((event) => comesAfter(event.position, cursor) > 0 && keep(event));
    collected.push(...events);
    // Keep one more than the page: it tells the caller there is a next page.
    if (collected.length >= limit) collected = collected.sort(byPage).slice(0, limit + 1);
  }
  return { events: collected.sort(byPage), unread: false };
}

/** What a read of the log found, and where the next page resumes when it stopped early (its time was up). */
export interface LogScan {
  readonly events: RecordedEvent[];
  readonly resumeAt?: number;
}

/**
 * The latest `limit` + 1 events of the whole log before `before`, latest first. The log reads forward only, so this
 * reads windows ending at `before` that grow fourfold until one holds enough events or reaches the log's start;
 * only the last `limit` + 1 of a window are kept, so a wide window costs reading time, never memory. A window that
 * would take longer than the time left is not started: what the last one found comes back, and the next page
 * resumes before it (`resumeAt`).
 */
export async function readLogBackward(
  readAfter: (after: number) => AsyncIterable<RecordedEvent>,
  before: number,
  limit: number,
  firstSpan: number,
  deadlineMs = Number.POSITIVE_INFINITY,
): Promise<LogScan> {
  for (let span = firstSpan; ; span *= 4) {
    const from = Math.max(0, before - span);
    const window: RecordedEvent[] = [];
    const startedAt = Date.now();
    for await (const event of readAfter(from)) {
      if (event.position >= before) break;
      window.push(event);
      if (window.length > 2 * (limit + 1)) window.splice(0, window.length - (limit + 1));
    }
    const latestFirst = window.slice(-(limit + 1)).reverse();
    if (window.length > limit || from === 0) return { events: latestFirst };
    // The next window reads four times as much: started only if it can end in time.
    if (Date.now() + 4 * (Date.now() - startedAt) > deadlineMs) return { events: latestFirst, resumeAt: from + 1 };
  }
}
