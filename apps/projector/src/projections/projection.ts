import type { RecordedEvent } from '@sched/contracts';

/** Anything a projection folds: an event, or a change derived from one. Both carry the global position. */
export interface Positioned {
  readonly type: string;
  readonly position: number;
}

/** A read-model row remembers the global position of the last event folded into it. */
export interface PositionedRow {
  readonly position: number;
}

/**
 * A read-model projection (STYLE.md): a pure `evolve(row, event) → row | null` plus the event types it handles.
 * `null` means "there is no row": an event about something this model never saw created is dropped.
 */
export interface Projection<Row extends PositionedRow, Event extends Positioned = RecordedEvent> {
  readonly name: string;
  readonly handles: readonly string[];
  evolve(row: Row | null, event: Event): Row | null;
}

/** A RecordedEvent narrowed to one member of a contracts event union, so a `switch` on `type` narrows `data`. */
export type Recorded<E extends { type: string; data: unknown }> = E extends unknown
  ? RecordedEvent<E['type'], E['data']>
  : never;

/**
 * Folds one event into a row unless the row already reflects it: positions increase in commit order, so an event
 * at or below the row's position was applied before. This is what makes redelivery (and a replay over rows that a
 * partial rebuild left behind) a no-op. Events the projection does not handle leave the row as it is.
 */
export function project<Row extends PositionedRow, Event extends Positioned>(
  projection: Projection<Row, Event>,
  row: Row | null,
  event: Event,
): Row | null {
  if (!projection.handles.includes(event.type)) return row;
  if (row && event.position <= row.position) return row;
  return projection.evolve(row, event);
}

/** Event times are ISO strings in the contracts; rows keep epoch ms so SQLite can sort and range-scan them. */
export const toMs = (iso: string): number => Date.parse(iso);
export const occurredMs = (event: RecordedEvent): number => toMs(event.metadata.occurredAt);
