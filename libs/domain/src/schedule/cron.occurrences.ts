import { cronOptionsFor, type CronSchedule } from '@sched/contracts';
import { Cron, type CronOptions } from 'croner';

/**
 * DST rule (what croner 11 does with the options below, pinned by cron.occurrences.spec.ts):
 *
 * - A *fixed-time* expression, one whose second, minute and hour fields hold no wildcard and no step
 *   (`30 2 * * *`, `0 30 2 * * *`, `30 2,14 * * *`, `0 1-3 * * *`):
 *   - a local time inside the spring-forward gap (02:30 in Europe/Berlin on the last Sunday of March) fires once, at
 *     the first valid instant after the gap (03:00 local, the very moment the clock jumps); several gap times of one
 *     expression (`0,30 2 * * *`) coalesce into that one fire, as does a time at that very instant (`0 2,3 * * *`).
 *   - a local time inside the repeated autumn hour (02:30 in Berlin, 01:30 in New York) fires once, at its first
 *     occurrence (still summer time); the second occurrence an hour later is skipped.
 * - An *interval-like* expression, one with `*` or a step in its second, minute or hour field (`*\/15 * * * *`,
 *   `0 * * * *`), follows elapsed real time instead: times in the gap do not exist and are not made up, and the
 *   repeated hour fires at both occurrences. Applying the fixed-time rule to them would silence an every-minute job
 *   for a whole hour each autumn and add an off-grid fire each spring.
 *
 * This is (close to) the Vixie cron rule, man 8 cron: "Only jobs that run at a particular time (not specified as
 * @hourly, nor with '*' in the hour or minute specifier) are affected"; croner implements it as
 * `fixedTimeRule: 'no-wildcard'`. Croner's default ('single-value') would treat `30 2,14 * * *` as
 * interval-like and drop its 02:30 run on the spring-forward day, which is why the option is set explicitly (in
 * cronOptionsFor, with Vixie's day-of-month/day-of-week rule, shared with validation so both read expressions alike).
 */

/** Parsing a pattern costs ~15 µs and many tasks share an expression, so Cron objects are shared (bounded cache). */
const MAX_CACHED = 10_000;
const cache = new Map<string, Cron>();
const utcZones = new Map<string, boolean>();

/**
 * Croner converts through Intl for any named zone, UTC included (~50 µs per nextRun); a zero UTC offset gives the
 * same instants ~8x faster, and UTC is the default zone, so UTC-equivalent names take that path.
 */
export function isUtc(timezone: string): boolean {
  let utc = utcZones.get(timezone);
  if (utc === undefined) {
    utc = new Intl.DateTimeFormat('en-US', { timeZone: timezone }).resolvedOptions().timeZone === 'UTC';
    utcZones.set(timezone, utc);
  }
  return utc;
}

type CronFields = Pick<CronSchedule, 'expression' | 'timezone'>;

export function cronFor(expression: string, timezone: string): Cron {
  const key = `${timezone} ${expression}`;
  let cron = cache.get(key);
  if (cron === undefined) {
    const zone: CronOptions = isUtc(timezone) ? { utcOffset: 0 } : { timezone };
    cron = new Cron(expression, { ...cronOptionsFor(expression), ...zone });
    // Evict the oldest entry: a Map iterates in insertion order, so this is FIFO, good enough for a guard rail.
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
    cache.set(key, cron);
  }
  return cron;
}

/**
 * The first cron occurrence strictly after `afterMs`. Croner works in whole seconds and its nextRun(d) returns the
 * first matching second strictly after d, so `afterMs = t - 1` asks for "at or after t" (used for startAt).
 */
export function nextCronAfter(spec: CronFields, afterMs: number): number | undefined {
  const next = cronFor(spec.expression, spec.timezone).nextRun(new Date(afterMs));
  return next === null ? undefined : next.getTime();
}
