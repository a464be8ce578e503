import type { EventMetadata, RecordedEvent } from '@sched/contracts';

/** One exported event: one JSON object per line (NDJSON), in global order. */
export interface HistoryLine {
  readonly streamId: string;
  readonly revision: number;
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: EventMetadata;
  /**
   * The source commit (atomic append) holding the event, when the source store knows it: consecutive lines of one
   * stream with the same commit are appended together again on import. Absent: every event is its own append.
   */
  readonly commit?: number;
}

/**
 * Thrown on a line that is not a history line (`malformed`: the file is at fault, a CLI's usage error), or a history
 * that does not fit the target store.
 */
export class HistoryTransferError extends Error {
  constructor(
    message: string,
    readonly malformed = false,
  ) {
    super(message);
    this.name = 'HistoryTransferError';
  }
}

export function toHistoryLine(event: RecordedEvent, commit: number | undefined): HistoryLine {
  const { streamId, revision, id, type, data, metadata } = event;
  return commit === undefined ? { streamId, revision, id, type, data, metadata } : { streamId, revision, id, type, data, metadata, commit };
}

export function parseHistoryLine(text: string, lineNumber: number): HistoryLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HistoryTransferError(`line ${lineNumber}: not JSON (${(error as Error).message})`, true);
  }
  const line = value as Partial<HistoryLine> | null;
  const valid =
    typeof line === 'object' &&
    line !== null &&
    typeof line.streamId === 'string' &&
    Number.isInteger(line.revision) &&
    (line.revision as number) >= 0 &&
    typeof line.id === 'string' &&
    typeof line.type === 'string' &&
    typeof line.metadata === 'object' &&
    line.metadata !== null &&
    (line.commit === undefined || Number.isInteger(line.commit));
  if (!valid) throw new HistoryTransferError(`line ${lineNumber}: expected {streamId, revision, id, type, data, metadata[, commit]}`, true);
  return line as HistoryLine;
}
