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
  if (!handledBy(projection).has(event.type)) return row;
  if (row && event.position <= row.position) return row;
  return projection.evolve(row, event);
}

const handledSets = new WeakMap<object, ReadonlySet<string>>();
/** `handles` as a set, built once per projection: this check runs several times for every event folded. */
function handledBy(projection: Projection<PositionedRow, Positioned>): ReadonlySet<string> {
  let handled = handledSets.get(projection);
  if (!handled) handledSets.set(projection, (handled = new Set(projection.handles)));
  return handled;
}

/** Event times are ISO strings in the contracts; rows keep epoch ms so SQLite can sort and range-scan them. */
export function toMs(iso: string): number {
  // Date.parse is the slowest step of folding an event (~3 per event); the contracts write one canonical form,
  // `YYYY-MM-DDTHH:mm:ss.sssZ` (Date#toISOString), which is read digit by digit here. Anything else goes to Date.parse.
  if (iso.length !== 24 || iso.charCodeAt(23) !== 90 /* Z */ || iso.charCodeAt(10) !== 84 /* T */) return Date.parse(iso);
  const year = digits(iso, 0, 4);
  const month = digits(iso, 5, 2);
  const day = digits(iso, 8, 2);
  const hours = digits(iso, 11, 2);
  const minutes = digits(iso, 14, 2);
  const seconds = digits(iso, 17, 2);
  const millis = digits(iso, 20, 3);
  const separators = iso.charCodeAt(4) === 45 && iso.charCodeAt(7) === 45 && iso.charCodeAt(13) === 58 && iso.charCodeAt(16) === 58;
  // Days past the 28th go to Date.parse, which knows month lengths; years below 100 too (Date.UTC maps them to 19xx).
  const date = year >= 100 && month >= 1 && month <= 12 && day >= 1 && day <= 28;
  const time = hours >= 0 && hours < 24 && minutes >= 0 && minutes < 60 && seconds >= 0 && seconds < 60 && millis >= 0;
  const valid = separators && iso.charCodeAt(19) === 46 && date && time; // - - : : .
  return valid ? Date.UTC(year, month - 1, day, hours, minutes, seconds, millis) : Date.parse(iso);
}

/** The decimal number in `text[from, from + count)`, or -1 when a character there is not a digit. */
function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}
export const occurredMs = (event: RecordedEvent): number => toMs(event.metadata.occurredAt);
