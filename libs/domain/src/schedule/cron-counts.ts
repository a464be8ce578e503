import type { CronSchedule, ScheduleSpec } from '@sched/contracts';
import { Cron } from 'croner';
import { cronFor, isUtc } from './cron.occurrences';
import { scheduleWindow } from './schedule.occurrences';

/**
 * Counting a cron's occurrences by calendar arithmetic instead of one nextRun (~30 µs) per occurrence: a cron every
 * second set a week ago took 19 s to count from its set instant, the first time a restarted timer asked.
 *
 * In UTC (no DST) a cron's seconds, minutes and hours are a product of three sets, the same on every day its day fields
 * match: the occurrences of a day up to a time of day are counted from the sets, and whole days by how many match
 * (every day for `* * *` day fields, else found with one nextRun per matching day). Other zones and schedules with
 * exclusions are not counted this way (undefined): their days differ, they are walked.
 */

const DAY_MS = 86_400_000;

interface DayPattern {
  /** The cron of the whole expression, to find the days it matches. */
  readonly cron: Cron;
  /** Day of month, month and day of week unrestricted: every day matches. */
  readonly everyDay: boolean;
  /** Occurrences on a matching day. */
  readonly perDay: number;
  /** Per second of the minute, minute of the hour, hour of the day: how many of the set are at or before it. */
  readonly seconds: readonly number[];
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
}

const patterns = new Map<string, DayPattern | undefined>();
const MAX_PATTERNS = 1_000;

/** Occurrences of `spec` in (fromMs, toMs] (its window applied, maxFires not), or undefined when it is not countable so. */
export function countCronByCalendar(spec: ScheduleSpec, fromMs: number, toMs: number): number | undefined {
  if (spec.type !== 'cron' || spec.exclude !== undefined || !isUtc(spec.timezone)) return undefined;
  const pattern = patternOf(spec);
  if (pattern === undefined) return undefined;
  const { startMs, endMs } = scheduleWindow(spec);
  const from = Math.max(fromMs, startMs - 1);
  const to = Math.min(toMs, endMs);
  if (!(to > from)) return 0;
  const [fromDay, toDay] = [Math.floor(from / DAY_MS), Math.floor(to / DAY_MS)];
  // Every occurrence of the days from..to, less those of the first day up to `from` and of the last one after `to`.
  let count = matchingDays(pattern, fromDay, toDay) * pattern.perDay;
  if (dayMatches(pattern, fromDay)) count -= upToTimeOfDay(pattern, from - fromDay * DAY_MS);
  if (dayMatches(pattern, toDay)) count -= pattern.perDay - upToTimeOfDay(pattern, to - toDay * DAY_MS);
  return count;
}

function patternOf(spec: CronSchedule): DayPattern | undefined {
  const key = spec.expression;
  if (patterns.has(key)) return patterns.get(key);
  const fields = spec.expression.trim().split(/\s+/);
  // Five fields are minute precision (second 0); anything else (a nickname is never stored) is walked.
  const [second, minute, hour, dayOfMonth, month, dayOfWeek] = fields.length === 5 ? ['0', ...fields] : fields.length === 6 ? fields : [];
  let pattern: DayPattern | undefined;
  if (second !== undefined) {
    // Each set as the cron library reads it: the field alone, the others fixed, over one minute, hour or day.
    const seconds = throughCounts(`${second} 0 0 1 1 *`, 60, 1_000);
    const minutes = throughCounts(`0 ${minute} 0 1 1 *`, 60, 60_000);
    const hours = throughCounts(`0 0 ${hour} 1 1 *`, 24, 3_600_000);
    const unrestricted = (field: string) => field === '*' || field === '?';
    pattern = {
      cron: cronFor(spec.expression, 'UTC'),
      everyDay: unrestricted(dayOfMonth) && unrestricted(month) && unrestricted(dayOfWeek),
      perDay: seconds[59] * minutes[59] * hours[23],
      seconds,
      minutes,
      hours,
    };
  }
  if (patterns.size >= MAX_PATTERNS) patterns.delete(patterns.keys().next().value as string);
  patterns.set(key, pattern);
  return pattern;
}

/** For a cron matching within the first `slots` units of 1 January 2001 (UTC): per slot, the matches at or before it. */
function throughCounts(expression: string, slots: number, unitMs: number): number[] {
  const cron = new Cron(expression, { paused: true, mode: '5-or-6-parts', utcOffset: 0 });
  const startMs = Date.UTC(2001, 0, 1);
  const matched = new Array<number>(slots).fill(0);
  for (let next = cron.nextRun(new Date(startMs - 1)); next !== null && next.getTime() < startMs + slots * unitMs; next = cron.nextRun(next)) {
    matched[Math.floor((next.getTime() - startMs) / unitMs)] = 1;
  }
  for (let i = 1; i < slots; i += 1) matched[i] += matched[i - 1];
  return matched;
}

/** Occurrences on a matching day at or before `msOfDay` after its midnight (occurrences are whole seconds). */
function upToTimeOfDay({ seconds, minutes, hours }: DayPattern, msOfDay: number): number {
  const secondOfDay = Math.floor(msOfDay / 1_000);
  const [h, m, s] = [Math.floor(secondOfDay / 3_600), Math.floor(secondOfDay / 60) % 60, secondOfDay % 60];
  const before = (through: readonly number[], i: number) => (i === 0 ? 0 : through[i - 1]);
  const isIn = (through: readonly number[], i: number) => through[i] - before(through, i) === 1;
  const fullHours = before(hours, h) * minutes[59] * seconds[59];
  if (!isIn(hours, h)) return fullHours;
  const fullMinutes = before(minutes, m) * seconds[59];
  return fullHours + fullMinutes + (isIn(minutes, m) ? seconds[s] : 0);
}

function dayMatches(pattern: DayPattern, day: number): boolean {
  if (pattern.everyDay) return pattern.perDay > 0;
  const next = pattern.cron.nextRun(new Date(day * DAY_MS - 1));
  return next !== null && next.getTime() < (day + 1) * DAY_MS;
}

/** Days in fromDay..toDay its day fields match: one nextRun per matching day (it skips the others itself). */
function matchingDays(pattern: DayPattern, fromDay: number, toDay: number): number {
  if (pattern.everyDay) return pattern.perDay > 0 ? toDay - fromDay + 1 : 0;
  let days = 0;
  for (let next = pattern.cron.nextRun(new Date(fromDay * DAY_MS - 1)); next !== null && next.getTime() < (toDay + 1) * DAY_MS; ) {
    days += 1;
    next = pattern.cron.nextRun(new Date((Math.floor(next.getTime() / DAY_MS) + 1) * DAY_MS - 1));
  }
  return days;
}
