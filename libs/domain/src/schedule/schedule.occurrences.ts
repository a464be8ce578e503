import type { IntervalSchedule, ScheduleCommon, ScheduleSpec } from '@sched/contracts';
import { assertNever } from '../decider';
import { nextCronAfter } from './cron.occurrences';
import { excludedUntil } from './exclusions';

/**
 * Occurrence math. Everything here is pure: time comes in as epoch ms and the result depends on nothing else, so every
 * timer instance (and the `next-fires` query) computes the same nominal instants, hence the same execution ids.
 * All results are *nominal* instants; jitter (schedule.jitter.ts) is added on top when the timer arms a fire.
 */

/** The window [startAt, endAt] in epoch ms, inclusive at both ends; absent bounds are infinite. */
export function scheduleWindow(spec: ScheduleCommon): { readonly startMs: number; readonly endMs: number } {
  return {
    startMs: spec.startAt === undefined ? -Infinity : Date.parse(spec.startAt),
    endMs: spec.endAt === undefined ? Infinity : Date.parse(spec.endAt),
  };
}

/** An interval without exclusions: its occurrences are a grid, so they are counted by arithmetic. */
export const isPlainInterval = (spec: ScheduleSpec): spec is IntervalSchedule => spec.type === 'interval' && spec.exclude === undefined;

/** First `offsetMs + k * everyMs` strictly after `afterMs` (any integer k: the grid is anchored on the epoch). */
function intervalAfter(spec: IntervalSchedule, afterMs: number): number {
  return spec.offsetMs + (Math.floor((afterMs - spec.offsetMs) / spec.everyMs) + 1) * spec.everyMs;
}

/** First occurrence strictly after `afterMs`, ignoring the window. */
function unboundedAfter(spec: ScheduleSpec, afterMs: number): number | undefined {
  switch (spec.type) {
    case 'interval':
      return intervalAfter(spec, afterMs);
    case 'cron':
      return nextCronAfter(spec, afterMs);
    case 'once': {
      const at = Date.parse(spec.at);
      return at > afterMs ? at : undefined;
    }
    default:
      return assertNever(spec);
  }
}

/**
 * How many excluded stretches in a row the search for the next occurrence passes before it takes the schedule to
 * have no more occurrences (each costs up to ~60 µs; a stretch is a whole window, day, hour or minute, so this is
 * years of excluded days). assertSchedulesCanFire refuses a schedule that ends this way when it is set.
 */
export const MAX_EXCLUDED_STRETCHES = 5000;

/**
 * The nominal instant of the first occurrence strictly after `afterMs`, or undefined when there is none (past endAt,
 * a one-shot already passed, a cron that never matches again), skipping the schedule's exclusions. maxFires is not
 * applied: it needs the fire count.
 * Occurrences are whole milliseconds for every spec type, so "at or after startAt" is "strictly after startAt - 1".
 */
export function nextFireAfter(spec: ScheduleSpec, afterMs: number): number | undefined {
  const found = searchNextFire(spec, afterMs);
  return 'atMs' in found ? found.atMs : undefined;
}

/**
 * What the search for the next occurrence found: the occurrence, the schedule's end, or, after
 * MAX_EXCLUDED_STRETCHES excluded stretches in a row, how far it got (`searchedThroughMs`: nothing fires up to
 * there; whether something does after it is unknown, so whoever must know searches again from there).
 */
export type FireSearch = { readonly atMs: number } | { readonly ended: true } | { readonly searchedThroughMs: number };

export function searchNextFire(spec: ScheduleSpec, afterMs: number): FireSearch {
  const { startMs, endMs } = scheduleWindow(spec);
  let cursor = startMs > afterMs ? startMs - 1 : afterMs;
  for (let step = 0; step < MAX_EXCLUDED_STRETCHES; step++) {
    if (cursor >= endMs) return { ended: true };
    const next = unboundedAfter(spec, cursor);
    if (next === undefined || next > endMs) return { ended: true };
    const until = spec.exclude === undefined ? undefined : excludedUntil(spec.exclude, next);
    if (until === undefined) return { atMs: next };
    // Search on from the end of the stretch: "strictly after until - 1" lets an occurrence at `until` itself fire.
    cursor = Math.max(until - 1, next);
  }
  return { searchedThroughMs: cursor };
}

/**
 * Where to look again for a fire of these schedules when none was found after `afterMs` only because a search
 * passed MAX_EXCLUDED_STRETCHES excluded stretches (the earliest such point), or undefined when they have ended.
 * The timer arms a wake-up there: a schedule excluded a second at a time for hours was dropped as ended, for good.
 */
export function excludedSearchEnd(specs: readonly ScheduleSpec[], afterMs: number): number | undefined {
  let earliest: number | undefined;
  for (const spec of specs) {
    if (spec.exclude === undefined) continue;
    const found = searchNextFire(spec, afterMs);
    if ('searchedThroughMs' in found && (earliest === undefined || found.searchedThroughMs < earliest)) earliest = found.searchedThroughMs;
  }
  return earliest;
}

/**
 * Nominal instants in (fromMs, toMs], ascending, at most `limit` of them: what catch-up after downtime and backfill
 * enumerate. A result of exactly `limit` entries may be truncated; continue from its last element.
 */
export function occurrencesBetween(spec: ScheduleSpec, fromMs: number, toMs: number, limit: number): number[] {
  const out: number[] = [];
  let cursor = fromMs;
  while (out.length < limit) {
    const next = nextFireAfter(spec, cursor);
    if (next === undefined || next > toMs) break;
    out.push(next);
    cursor = next;
  }
  return out;
}

/** How many more times a spec may fire after `fired` fires: Infinity without maxFires, never below 0. */
export function firesRemaining(spec: ScheduleCommon, fired: number): number {
  return spec.maxFires === undefined ? Infinity : Math.max(0, spec.maxFires - fired);
}
