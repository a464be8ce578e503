import type { IntervalSchedule, ScheduleSpec } from '@sched/contracts';
import { firesRemaining, isPlainInterval, nextFireAfter, scheduleWindow } from './schedule.occurrences';
import { countSinceSet, countsByWalking } from './fired-counts';
import { earliestSetInstant, setInstantOf, type ScheduleSetInstants } from './set-instants';

/**
 * One occurrence of a task with several specs. Specs that coincide on an instant make ONE occurrence (one execution id
 * `<taskId>@<atMs>`, so it could not fire twice anyway); `specIndexes` says which specs produced it (each counts it
 * against its own maxFires) and `jitterMs` is the smallest of theirs, so the occurrence is never later than any of its
 * specs alone would fire it. Pass the occurrence itself to `fireInstant(taskId, occurrence, occurrence.atMs)`.
 */
export interface Occurrence {
  readonly atMs: number;
  readonly specIndexes: readonly number[];
  readonly jitterMs: number;
}

/**
 * The next `count` occurrences strictly after `afterMs` over all `specs`, ascending and deduplicated: a k-way merge of
 * each spec's own sequence. `firedCounts[i]` (default 0) is how often spec i has fired, so specs stop at maxFires.
 * This is the one function both the timer and the `next-fires` query call, so what users are shown is what fires.
 */
export function nextOccurrences(
  specs: readonly ScheduleSpec[],
  afterMs: number,
  count: number,
  firedCounts: readonly number[] = [],
  notBeforeMs?: readonly number[],
): Occurrence[] {
  const budget = specs.map((spec, i) => firesRemaining(spec, firedCounts[i] ?? 0));
  // `notBeforeMs[i]`: spec i has no occurrence at or before it (schedules set at different instants).
  const heads = specs.map((spec, i) => (budget[i] > 0 ? nextFireAfter(spec, Math.max(afterMs, notBeforeMs?.[i] ?? afterMs)) : undefined));
  const out: Occurrence[] = [];
  while (out.length < count) {
    let atMs = Infinity;
    for (const head of heads) if (head !== undefined && head < atMs) atMs = head;
    if (atMs === Infinity) break;
    const specIndexes: number[] = [];
    let jitterMs = Infinity;
    for (let i = 0; i < specs.length; i++) {
      if (heads[i] !== atMs) continue;
      specIndexes.push(i);
      jitterMs = Math.min(jitterMs, specs[i].jitterMs ?? 0);
      budget[i] -= 1;
      heads[i] = budget[i] > 0 ? nextFireAfter(specs[i], atMs) : undefined;
    }
    out.push({ atMs, specIndexes, jitterMs });
  }
  return out;
}

/** The nominal instants of `nextOccurrences`: the merged next `count` fires, deduplicated, ascending. */
export function nextFires(
  specs: readonly ScheduleSpec[],
  afterMs: number,
  count: number,
  firedCounts: readonly number[] = [],
): number[] {
  return nextOccurrences(specs, afterMs, count, firedCounts).map((occurrence) => occurrence.atMs);
}

/**
 * The schedules as a backfill sees them: every occurrence in its range, whatever their maxFires (the first N from
 * when a schedule was set, what the timer fires by itself; a backfill replays a range by hand). The count a backfill
 * is checked against and the occurrences it fires are both of these, so they agree.
 */
export const backfillSchedules = (specs: readonly ScheduleSpec[]): ScheduleSpec[] =>
  specs.map((spec) => {
    if (spec.maxFires === undefined) return spec;
    const { maxFires: _all, ...rest } = spec;
    return rest as ScheduleSpec;
  });

/** Occurrences in (fromMs, toMs], counting at most `limit`. */
export function countOccurrences(specs: readonly ScheduleSpec[], fromMs: number, toMs: number, limit: number): number {
  if (specs.length === 1 && isPlainInterval(specs[0])) return Math.min(intervalCount(specs[0], fromMs, toMs), limit, specs[0].maxFires ?? Infinity);
  let count = 0;
  let cursor = fromMs;
  while (count < limit) {
    const batch = nextOccurrences(specs, cursor, Math.min(1000, limit - count)).filter((o) => o.atMs <= toMs);
    count += batch.length;
    if (batch.length === 0 || batch[batch.length - 1].atMs >= toMs) break;
    cursor = batch[batch.length - 1].atMs;
  }
  return count;
}

/**
 * An interval's occurrences in (fromMs, toMs] within its window, by arithmetic: the read models ask how often a
 * schedule with maxFires has fired on every query of its task, and a 1 s interval fires 86,400 times a day.
 */
function intervalCount(spec: IntervalSchedule, fromMs: number, toMs: number): number {
  const { startMs, endMs } = scheduleWindow(spec);
  const lo = Math.max(fromMs, startMs - 1);
  const hi = Math.min(toMs, endMs);
  if (!(hi > lo)) return 0;
  const index = (ms: number) => Math.floor((ms - spec.offsetMs) / spec.everyMs);
  return index(hi) - index(lo);
}

/**
 * How often each spec has fired since its schedule was set (`setAt`, or its own startAt), counting at most
 * maxFires: maxFires means "the first maxFires occurrences", so the count is derived, never stored, and every
 * timer instance agrees on it. Specs without maxFires get 0 (and cost nothing).
 */
export function firedCountsSince(specs: readonly ScheduleSpec[], setAt: ScheduleSetInstants, afterMs: number): number[] {
  return specs.map((spec, i) => {
    if (spec.maxFires === undefined) return 0;
    // A plain interval is counted by arithmetic at once; anything else walks on from where it was last counted.
    if (countsByWalking(spec)) return countSinceSet(spec, setInstantOf(setAt, i), afterMs, spec.maxFires);
    return countOccurrences([spec], Math.min(setInstantOf(setAt, i), afterMs), afterMs, spec.maxFires);
  });
}

/**
 * The next `count` occurrences after `afterMs` of schedules set at `setAt`, as the timer fires them: each spec's
 * maxFires counted from when it was set. The timer, its catch-up, the next-fires query and the read models all ask
 * this, so none of them can forget the fires already spent. Schedules set at different instants (an update kept
 * some) each start after their own, unless `fromMs` (the caller's first `afterMs`, when it pages on from there) is
 * before all of them: a preview of the past, as for schedules set together.
 */
export function remainingOccurrences(
  specs: readonly ScheduleSpec[],
  setAt: ScheduleSetInstants,
  afterMs: number,
  count: number,
  fromMs = afterMs,
): Occurrence[] {
  const notBefore = typeof setAt === 'number' || fromMs < earliestSetInstant(setAt) ? undefined : setAt;
  return nextOccurrences(specs, afterMs, count, firedCountsSince(specs, setAt, afterMs), notBefore);
}
