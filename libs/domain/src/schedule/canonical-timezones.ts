import type { ScheduleSpec } from '@sched/contracts';

/**
 * The IANA name Intl resolves a time zone to: "europe/berlin" → "Europe/Berlin", "utc" → "UTC". Intl takes zone
 * names in any case, so a schedule stored as typed showed "europe/berlin" everywhere it is read (and compared unequal
 * to the same schedule spelled properly). A zone Intl does not know is left as it is (validation refuses it first).
 */
export function canonicalTimezone(timezone: string): string {
  try {
    return new Intl.DateTimeFormat(undefined, { timeZone: timezone }).resolvedOptions().timeZone;
  } catch {
    return timezone;
  }
}

/**
 * Schedules as a create or update records them: every time zone (a cron schedule's, an exclusion's) by its
 * canonical name. Applied when a command is decided, never when events are folded: a stored event keeps its spelling.
 */
export function withCanonicalTimezones(schedules: readonly ScheduleSpec[]): ScheduleSpec[] {
  return schedules.map((spec) => {
    const exclude = spec.exclude?.map((exclusion) => ('timezone' in exclusion ? { ...exclusion, timezone: canonicalTimezone(exclusion.timezone) } : exclusion));
    const zoned = spec.type === 'cron' ? { ...spec, timezone: canonicalTimezone(spec.timezone) } : { ...spec };
    return exclude === undefined ? zoned : { ...zoned, exclude };
  });
}
