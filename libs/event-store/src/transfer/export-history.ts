import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { RecordedEvent } from '@sched/contracts';
import type { EventStore, ReadAllOptions } from '../event-store.port';
import { HashChainingEventStore } from '../hash-chain';
import { JetStreamEventStore } from '../jetstream/jetstream-event-store';
import { MemoryEventStore } from '../memory/memory-event-store';
import { commitSequenceOf } from '../positions';
import { toHistoryLine } from './history-line';

export interface ExportOptions extends ReadAllOptions {
  /** The source commit of an event (for grouping on import); default: known for the memory and JetStream stores. */
  readonly commitOf?: (event: RecordedEvent) => number | undefined;
}

export interface ExportSummary {
  readonly events: number;
  /** Position of the last exported event (0 when none): `from: { after }` of an incremental export. */
  readonly lastPosition: number;
}

/**
 * The commit of an event, where the store's positions encode it: memory and JetStream number positions
 * commit * 1000 + index (positions.ts). KurrentDB positions are log offsets, which do not tell appends apart.
 */
export function defaultCommitOf(store: EventStore): ((event: RecordedEvent) => number | undefined) | undefined {
  const base = store instanceof HashChainingEventStore ? store.inner : store;
  const encodesCommits = base instanceof MemoryEventStore || base instanceof JetStreamEventStore;
  return encodesCommits ? (event) => commitSequenceOf(event.position) : undefined;
}

/**
 * Writes the store's history (by default all of it, up to the head at the time of the call) to `out` as NDJSON, one
 * event per line in global order. Respects back-pressure; does not end `out` (the caller owns it).
 */
export async function exportHistory(store: EventStore, out: Writable, options: ExportOptions = {}): Promise<ExportSummary> {
  const commitOf = options.commitOf ?? defaultCommitOf(store);
  let events = 0;
  let lastPosition = 0;
  for await (const event of store.readAll({ from: options.from, filter: options.filter })) {
    const line = `${JSON.stringify(toHistoryLine(event, commitOf?.(event)))}\n`;
    if (!out.write(line)) await once(out, 'drain');
    events += 1;
    lastPosition = event.position;
  }
  return { events, lastPosition };
}
