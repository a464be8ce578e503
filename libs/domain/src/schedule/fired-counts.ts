import { ErrorCode, MAX_NEXT_FIRES_COUNTED_AHEAD_MS, SchedError, type ScheduleSpec } from '@sched/contracts';
import { countCronByCalendar } from './cron-counts';
import { isPlainInterval, nextFireAfter } from './schedule.occurrences';

/**
 * How often a spec with maxFires has fired since its schedule was set: its occurrences in (setAt, afterMs], at most
 * maxFires. The timer asks after every fire, the read models and next-fires on every query; counting from setAt each
 * time cost O(occurrences so far) per call (a cron every second set a week ago: ~600,000 steps, 1.2 s per fire).
 *
 * So the walk is remembered per spec and set instant: where the chain of occurrences got to (`count` of them counted,
 * `head` the next one not yet counted), and a later question walks on from there. The chain is the one a full count
 * walks (each occurrence the first after the one before, starting after setAt), so the answer is the same, including
 * where a search gave up in a long excluded stretch (the chain ends there, as the full count did). A UTC cron without
 * exclusions skips far ahead by the calendar instead (cron-counts.ts): the first count after a restart walked
 * everything since the set instant (19 s for a cron every second set a week ago), now ~1 ms.
 */

interface Walk {
  /** Occurrences counted: those in (setAt, lastMs]. */
  count: number;
  /** The last occurrence counted, setAt before the first, or where a count by the calendar got to. */
  lastMs: number;
  /** The first occurrence after lastMs, or undefined when the chain has ended. */
  head: number | undefined;
}

/** A few walks per spec and set instant: the timer's, near now, and one a query further ahead moved on. */
const WALKS_PER_KEY = 4;
/** Set instants remembered per spec object (a spec has one; the same object under several is a caller's own reuse). */
const SET_INSTANTS_PER_SPEC = 8;
/** Questions about spec objects rebuilt each time (the gateway folds a task's stream per query), remembered by value. */
const MAX_BY_VALUE = 2000;

/** By spec object: the timer and the read models keep theirs, so a walk lives as long as the spec it belongs to. */
const bySpec = new WeakMap<ScheduleSpec, Map<number, Walk[]>>();
/** By the spec's value and set instant; insertion-ordered, so the least recently used goes first. */
const byValue = new Map<string, Walk[]>();

/** The walks remembered for a spec set at `setAtMs` (an empty list to fill at first). */
function walksOf(spec: ScheduleSpec, setAtMs: number): Walk[] {
  let perSet = bySpec.get(spec);
  if (perSet === undefined) {
    perSet = new Map();
    bySpec.set(spec, perSet);
  }
  let walks = perSet.get(setAtMs);
  if (walks !== undefined) return walks;
  const key = `${setAtMs} ${JSON.stringify(spec)}`;
  walks = byValue.get(key) ?? [];
  byValue.delete(key);
  byValue.set(key, walks);
  if (byValue.size > MAX_BY_VALUE) byValue.delete(byValue.keys().next().value as string);
  if (perSet.size >= SET_INSTANTS_PER_SPEC) perSet.delete(perSet.keys().next().value as number);
  perSet.set(setAtMs, walks);
  return walks;
}

/** Farther than this to go, a cron is counted by the calendar where it can be (cron-counts.ts), not walked. */
const COUNT_BY_CALENDAR_OVER_MS = 60_000;

/** Walks on from `walk` through `afterMs`, counting at most `limit`. */
function walkOn(spec: ScheduleSpec, walk: Walk, afterMs: number, limit: number): Walk {
  let { count, lastMs, head } = walk;
  if (count < limit && afterMs - lastMs > COUNT_BY_CALENDAR_OVER_MS) {
    // Counted up to afterMs itself (no occurrence need be there): the chain goes on from the first one after it.
    const counted = countCronByCalendar(spec, lastMs, afterMs);
    if (counted !== undefined) return { count: Math.min(limit, count + counted), lastMs: afterMs, head: nextFireAfter(spec, afterMs) };
  }
  while (count < limit && head !== undefined && head <= afterMs) {
    count += 1;
    lastMs = head;
    head = nextFireAfter(spec, head);
  }
  return { count, lastMs, head };
}

/** Occurrences of `spec` in (setAtMs, afterMs], at most `limit`, walked on from the nearest walk remembered before afterMs. */
export function countSinceSet(spec: ScheduleSpec, setAtMs: number, afterMs: number, limit: number): number {
  if (afterMs <= setAtMs) return 0;
  const kept = walksOf(spec, setAtMs);
  let from: Walk | undefined;
  for (const walk of kept) if (walk.lastMs <= afterMs && (from === undefined || walk.lastMs > from.lastMs)) from = walk;
  // A walk that stopped at the limit has counted all there is to count.
  if (from !== undefined && from.count >= limit) return limit;
  const walked = walkOn(spec, from ?? { count: 0, lastMs: setAtMs, head: nextFireAfter(spec, setAtMs) }, afterMs, limit);
  // Most recently used last; the oldest goes when there are too many. A walk that did not move is not kept twice.
  if (from !== undefined) kept.splice(kept.indexOf(from), 1);
  if (from !== undefined && from.lastMs !== walked.lastMs) kept.push(from);
  kept.push(walked);
  if (kept.length > WALKS_PER_KEY) kept.shift();
  return walked.count;
}

/** Whether fires of a spec are counted one occurrence at a time: it has maxFires and is not a plain interval. */
export const countsByWalking = (spec: ScheduleSpec): boolean => spec.maxFires !== undefined && !isPlainInterval(spec);

/**
 * Refuses a next-fires `after` so far ahead that counting the fires spent by then (one occurrence at a time) would
 * hold up the gateway: VALIDATION naming `after`, at most MAX_NEXT_FIRES_COUNTED_AHEAD_MS ahead of `nowMs`.
 */
export function assertCountableAfter(specs: readonly ScheduleSpec[], afterMs: number, nowMs: number): void {
  const latestMs = nowMs + MAX_NEXT_FIRES_COUNTED_AHEAD_MS;
  if (afterMs <= latestMs || !specs.some(countsByWalking)) return;
  const message = `after may be at most 24h ahead (${new Date(latestMs).toISOString()}) for a task with maxFires: the fires it will have spent by then are counted one by one`;
  throw new SchedError(ErrorCode.VALIDATION, message, { issues: [{ path: 'after', message }], limit: 'MAX_NEXT_FIRES_COUNTED_AHEAD_MS' });
}
