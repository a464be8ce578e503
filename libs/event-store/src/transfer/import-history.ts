import type { EventEnvelope, RecordedEvent } from '@sched/contracts';
import { MAX_EVENTS_PER_APPEND, type EventStore } from '../event-store.port';
import { canonicalJson } from '../hash-chain/canonical-json';
import { HistoryTransferError, parseHistoryLine, type HistoryLine } from './history-line';

export interface ImportSummary {
  readonly appended: number;
  /** Events already in the target at their revision, the same event (an earlier, maybe interrupted, import). */
  readonly skipped: number;
  /** Appends made: one per source commit where the export knew commits, else one per event. */
  readonly commits: number;
}

/** What the target holds of a stream: its last revision, and the events it had before this import touched it. */
interface StreamTip {
  revision: number;
  readonly existing: readonly RecordedEvent[];
}

/** The same event: what an export writes of it (its key order aside, which a store need not keep). */
const sameContent = (held: RecordedEvent, line: HistoryLine): boolean =>
  held.type === line.type && canonicalJson(held.data) === canonicalJson(line.data) && canonicalJson(held.metadata) === canonicalJson(line.metadata);

const sameCommit = (group: readonly HistoryLine[], line: HistoryLine): boolean => {
  const last = group[group.length - 1];
  return (
    last.commit !== undefined &&
    last.commit === line.commit &&
    last.streamId === line.streamId &&
    last.revision + 1 === line.revision &&
    group.length < MAX_EVENTS_PER_APPEND
  );
};

/**
 * Appends an exported history (NDJSON lines, see exportHistory) to `store` in the same order, keeping stream ids,
 * revisions, event ids and metadata, and appending the events of one source commit together. Each append expects the
 * stream at the revision before it, so the revisions come out identical or the import stops. Re-running it is safe:
 * events the target already holds at their revision (same id and content) are skipped, so an interrupted import
 * just resumes; one with the same id and other content stops it.
 */
export async function importHistory(store: EventStore, lines: AsyncIterable<string>): Promise<ImportSummary> {
  const tips = new Map<string, StreamTip>();
  let appended = 0;
  let skipped = 0;
  let commits = 0;

  const tipOf = async (streamId: string): Promise<StreamTip> => {
    let tip = tips.get(streamId);
    if (!tip) {
      const existing = await store.read(streamId);
      tip = { revision: existing.length - 1, existing };
      tips.set(streamId, tip);
    }
    return tip;
  };

  const flush = async (group: readonly HistoryLine[]): Promise<void> => {
    const { streamId } = group[0];
    const tip = await tipOf(streamId);
    const fresh: HistoryLine[] = [];
    for (const line of group) {
      if (line.revision > tip.revision) {
        fresh.push(line);
        continue;
      }
      const held = tip.existing[line.revision];
      if (held?.id !== line.id) {
        throw new HistoryTransferError(`${streamId} revision ${line.revision} holds event ${held?.id ?? '(none)'} in the target, the export has ${line.id}`);
      }
      // An id says which event it is, not that the two agree: a target edited (or imported from another export) since
      // would otherwise pass as already imported.
      if (!sameContent(held, line)) {
        throw new HistoryTransferError(`${streamId} revision ${line.revision}: event ${line.id} in the target differs from the export's (type, data or metadata)`);
      }
      skipped += 1;
    }
    if (fresh.length === 0) return;
    if (fresh[0].revision !== tip.revision + 1) {
      throw new HistoryTransferError(`${streamId}: the export continues at revision ${fresh[0].revision}, the target is at ${tip.revision}`);
    }
    const events: EventEnvelope[] = fresh.map(({ id, type, data, metadata }) => ({ id, type, data, metadata }));
    const result = await store.append(streamId, events, { expected: tip.revision < 0 ? 'no_stream' : tip.revision });
    tip.revision = result.nextExpectedVersion;
    appended += events.length;
    commits += 1;
  };

  let group: HistoryLine[] = [];
  let lineNumber = 0;
  try {
    for await (const text of lines) {
      lineNumber += 1;
      if (text.trim() === '') continue;
      const line = parseHistoryLine(text, lineNumber);
      if (group.length > 0 && !sameCommit(group, line)) {
        await flush(group);
        group = [];
      }
      group.push(line);
    }
    if (group.length > 0) await flush(group);
  } catch (error) {
    if (!(error instanceof HistoryTransferError) || appended === 0) throw error;
    // What went in before the stop stays in (the log keeps every append): say so, and that a re-run resumes.
    throw new HistoryTransferError(`${error.message} (stopped after appending ${appended} events: the lines before it are in the target; a corrected file imports the rest, skipping what is there)`, error.malformed);
  }
  return { appended, skipped, commits };
}
