import { z } from 'zod';

const FORMS = '2027-01-01T09:00:00Z, 2027-01-01T10:00:00+01:00';
/** Date, time (seconds and fraction optional), and the zone: `Z` or an offset with or without its colon. */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2}))$/;
/** The same without a zone: a wall-clock time, no instant. */
const WALL_CLOCK = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?$/;

/**
 * Why `text` is no ISO 8601 instant, or undefined. Each way it can miss is said: a time without its zone names no
 * instant (whose clock?), a day the calendar does not have (2030-02-30: JavaScript would read it as March 2), an
 * hour past 23. zod's own message ("Invalid ISO datetime") said none of that, and its check refused what this
 * takes: a time without seconds (09:00Z) and an offset without its colon (+0530).
 */
export function isoInstantIssue(text: string): string | undefined {
  const match = INSTANT.exec(text);
  if (!match) {
    return WALL_CLOCK.test(text)
      ? `${text} has no zone: add Z or an offset (${FORMS}), or it names no instant`
      : `expected an ISO 8601 instant with its zone, Z or an offset (${FORMS})`;
  }
  const [, year, month, day, hour, minute, second = '0', , offsetHours = '0', offsetMinutes = '0'] = match;
  const date = new Date(0);
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(day)); // Date.UTC would take years 0-99 as 1900-1999
  if (date.getUTCFullYear() !== Number(year) || date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day)) {
    return `${year}-${month}-${day} is no day of the calendar`;
  }
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return `${text.slice(11, 19).replace(/[Z+-].*$/, '')} is no time of day (00:00 to 23:59:59)`;
  if (Number(offsetHours) > 23 || Number(offsetMinutes) > 59) return `${match[7]} is no UTC offset (-23:59 to +23:59)`;
  return undefined;
}

/** An instant as ISO 8601 with its zone (`Z` or an offset); kept as written (readers take it with Date.parse). */
export const isoInstantSchema = z.string().superRefine((text, ctx) => {
  const issue = isoInstantIssue(text);
  if (issue) ctx.addIssue({ code: 'custom', message: issue });
});
