import type { CronExclusion, DatesExclusion, ScheduleExclusion } from '@sched/contracts';
import { cronFor } from './cron.occurrences';
import { localUnitEnd } from './local-time';

/**
 * Whether an instant falls in a schedule's exclusions, and if so, how far the excluded stretch around it reaches, so
 * the search for the next occurrence jumps past it instead of stepping through each occurrence it holds (a 1 s
 * interval over an excluded weekend is 172,800 occurrences; the jump makes it one step).
 */

const MINUTE_MS = 60_000;
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date ("2027-12-25") of an instant in a zone; en-CA formats dates as ISO does. */
function localDate(atMs: number, timezone: string): string {
  let format = dateFormats.get(timezone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timezone, format);
  }
  return format.format(atMs);
}

function datesExcludedUntil(exclusion: DatesExclusion, atMs: number): number | undefined {
  return exclusion.dates.includes(localDate(atMs, exclusion.timezone)) ? localUnitEnd(atMs, exclusion.timezone, 'day') : undefined;
}

/**
 * Whether a cron field matches every value from `min` to `max`: `*`, `?`, and any list of numbers, ranges and steps
 * that adds up to all of them (`0-59`, `0-29,30-59`, a `*` with step 1). Names, `L`, `W` and `#` never do in the fields asked.
 */
export function coversWholeRange(field: string, min: number, max: number): boolean {
  if (field === '*' || field === '?') return true;
  const seen = new Set<number>();
  for (const part of field.split(',')) {
    const match = /^(?:(\*)|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match) return false;
    const [, star, from, to, step] = match;
    const first = star ? min : Number(from);
    // "5/15" runs from 5 to the end of the range, as croner reads it.
    const last = star || (to === undefined && step !== undefined) ? max : Number(to ?? from);
    const by = step === undefined ? 1 : Number(step);
    if (by < 1) return false;
    for (let value = first; value <= last; value += by) seen.add(value);
  }
  for (let value = min; value <= max; value++) if (!seen.has(value)) return false;
  return true;
}

/**
 * A cron exclusion covers each whole minute it matches (each second, for 6 fields). Where its finer fields match
 * every value (`*`, or a spelling of it: `0-59`, `*` with step 1), a match covers the whole enclosing minute, hour or day,
 * which is where the stretch is taken to end: a search past a month of excluded days is 31 steps, not 44,640.
 */
function cronExcludedUntil(exclusion: CronExclusion, atMs: number): number | undefined {
  const fields = exclusion.expression.split(' ');
  const seconds = fields.length === 6;
  const unitMs = seconds ? 1000 : MINUTE_MS;
  const unitStart = atMs - (((atMs % unitMs) + unitMs) % unitMs);
  if (!cronFor(exclusion.expression, exclusion.timezone).match(new Date(unitStart))) return undefined;
  const [minute, hour] = seconds ? fields.slice(1, 3) : fields.slice(0, 2);
  const wholeMinutes = !seconds || coversWholeRange(fields[0], 0, 59);
  const wholeHours = wholeMinutes && coversWholeRange(minute, 0, 59);
  if (wholeHours && coversWholeRange(hour, 0, 23)) return localUnitEnd(atMs, exclusion.timezone, 'day');
  if (wholeHours) return localUnitEnd(atMs, exclusion.timezone, 'hour');
  return wholeMinutes ? unitStart - (unitStart % MINUTE_MS) + MINUTE_MS : unitStart + unitMs;
}

function excludedUntilBy(exclusion: ScheduleExclusion, atMs: number): number | undefined {
  switch (exclusion.type) {
    case 'window': {
      const to = Date.parse(exclusion.to);
      return atMs >= Date.parse(exclusion.from) && atMs < to ? to : undefined;
    }
    case 'dates':
      return datesExcludedUntil(exclusion, atMs);
    case 'cron':
      return cronExcludedUntil(exclusion, atMs);
  }
}

/**
 * Undefined when `atMs` is not excluded; otherwise the end (exclusive) of the excluded stretch it lies in: the first
 * instant none of the exclusions that matched covers (another exclusion may cover it; the caller checks again).
 */
export function excludedUntil(exclusions: readonly ScheduleExclusion[], atMs: number): number | undefined {
  let until: number | undefined;
  for (const exclusion of exclusions) {
    const end = excludedUntilBy(exclusion, atMs);
    if (end !== undefined && (until === undefined || end > until)) until = end;
  }
  return until;
}
