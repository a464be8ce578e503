/**
 * Local calendar units (hours, days) of an instant in an IANA zone, and where they end. Zones are read through Intl,
 * as croner reads them. An hour does not always end at a local :00: Australia/Lord_Howe's clocks jump from 02:00 to
 * 02:30 in spring, so its hour 1 ends at 02:30; a day need not end at a local midnight (America/Santiago skips
 * 00:00-01:00 in spring and repeats 23:00-24:00 in autumn). So the end is found from the offsets, not the wall clock.
 */

const SECOND_MS = 1000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export type LocalUnit = 'hour' | 'day';

const wallFormats = new Map<string, Intl.DateTimeFormat>();

/** The local wall-clock time of an instant (whole seconds) as if it were UTC: its fields read back with Date.UTC. */
function wallClockMs(atMs: number, timezone: string): number {
  let format = wallFormats.get(timezone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    wallFormats.set(timezone, format);
  }
  const part: Record<string, number> = {};
  for (const { type, value } of format.formatToParts(atMs)) part[type] = Number(value);
  // Some engines still write midnight as hour 24 with h23; it is 0 of the same day.
  return Date.UTC(part.year, part.month - 1, part.day, part.hour % 24, part.minute, part.second);
}

/** The zone's UTC offset at an instant (transitions fall on whole seconds, so the instant's second decides). */
function offsetAt(atMs: number, timezone: string): number {
  const secondMs = Math.floor(atMs / SECOND_MS) * SECOND_MS;
  return wallClockMs(secondMs, timezone) - secondMs;
}

/** Which local hour or day an instant is in, as a number two instants share exactly when they share the unit. */
function localUnitOf(atMs: number, timezone: string, unit: LocalUnit): number {
  const wall = wallClockMs(atMs, timezone);
  return Math.floor(wall / (unit === 'hour' ? HOUR_MS : DAY_MS));
}

/** The first whole second in (fromMs, toMs] at which the offset is no longer `offset` (there must be one). */
function transitionIn(fromMs: number, toMs: number, offset: number, timezone: string): number {
  let lo = Math.floor(fromMs / SECOND_MS) * SECOND_MS;
  let hi = toMs;
  while (hi - lo > SECOND_MS) {
    const mid = lo + Math.floor((hi - lo) / 2 / SECOND_MS) * SECOND_MS;
    if (offsetAt(mid, timezone) === offset) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * The first instant after `atMs` in a different local hour or day than `atMs` (the end, exclusive, of the one it is
 * in). Where the offset stays put that is the next wall-clock boundary; where it changes first, the change is the end
 * if it moves the wall clock into another unit (Lord_Howe's 01:59:59 to 02:30), and the search goes on from there if
 * not (New York's 01:59:59 EDT to 01:00 EST is still hour 1, which ends at 02:00 EST).
 */
export function localUnitEnd(atMs: number, timezone: string, unit: LocalUnit): number {
  const unitMs = unit === 'hour' ? HOUR_MS : DAY_MS;
  const start = localUnitOf(atMs, timezone, unit);
  let from = atMs;
  // Each round passes one offset change; a unit holds at most a few, so the bound only guards a broken zone database.
  for (let round = 0; round < 8; round++) {
    const offset = offsetAt(from, timezone);
    const boundary = (Math.floor((from + offset) / unitMs) + 1) * unitMs - offset;
    if (offsetAt(boundary, timezone) === offset) return boundary;
    const change = transitionIn(from, boundary, offset, timezone);
    if (localUnitOf(change, timezone, unit) !== start) return change;
    from = change;
  }
  return from;
}
