import type { ScheduleSpec } from '@sched/contracts';
import { remainingOccurrences, type Occurrence } from './next-fires';
import { fireInstant } from './schedule.jitter';
import { earliestSetInstant, type ScheduleSetInstants } from './set-instants';

/** The largest jitter of a task's schedules: a fire may come that much after its nominal instant. */
export const largestJitterMs = (specs: readonly ScheduleSpec[]): number => {
  let largest = 0;
  for (const spec of specs) if ((spec.jitterMs ?? 0) > largest) largest = spec.jitterMs ?? 0;
  return largest;
};

/** An occurrence with the instant it fires at (its nominal instant plus its deterministic jitter). */
export interface Firing {
  readonly occurrence: Occurrence;
  readonly fireAtMs: number;
}

/**
 * The occurrences whose fire instants may come after `afterMs`, ascending by nominal instant, each with its fire
 * instant. Jitter only delays, so they start the largest jitter before `afterMs` — but never before the schedules
 * were set (`setAt`: what maxFires counts from), unless `afterMs` itself is earlier (a preview of the past).
 * The timer's progress is a fire instant ("everything firing up to here was handled"), so a jittered occurrence
 * nominally before it but firing after it is neither lost at a restart, a hand-over or a resume, nor fired twice.
 */
export function* firingsFrom(taskId: string, specs: readonly ScheduleSpec[], setAt: ScheduleSetInstants, afterMs: number): Generator<Firing> {
  const maxJitterMs = largestJitterMs(specs);
  let cursor = Math.max(afterMs - maxJitterMs, Math.min(earliestSetInstant(setAt), afterMs));
  // Without jitter the first occurrence after `afterMs` is the next fire: one at a time, as cheap as before.
  let size = maxJitterMs === 0 ? 1 : 16;
  for (;;) {
    const batch = remainingOccurrences(specs, setAt, cursor, size, afterMs);
    for (const occurrence of batch) yield { occurrence, fireAtMs: fireInstant(taskId, occurrence, occurrence.atMs) };
    if (batch.length < size) return;
    cursor = batch[batch.length - 1].atMs;
    size = Math.min(size * 4, 1000);
  }
}

/**
 * The first fire instant after `afterMs` and every occurrence that fires at it (several when jitter lands occurrences
 * of different nominal instants on the same one), or undefined when nothing fires any more. With jitter, fire order
 * is not nominal order: a later occurrence (of another schedule, or with a jitter longer than its period) may fire
 * first, and it does.
 */
export function nextFiring(
  taskId: string,
  specs: readonly ScheduleSpec[],
  setAt: ScheduleSetInstants,
  afterMs: number,
): { readonly fireAtMs: number; readonly occurrences: readonly Occurrence[] } | undefined {
  if (largestJitterMs(specs) === 0) {
    // The timer's common case, once per fire of each task: the next occurrence is the next fire (no generator).
    const [next] = remainingOccurrences(specs, setAt, afterMs, 1);
    return next && { fireAtMs: next.atMs, occurrences: [next] };
  }
  let best: number | undefined;
  const candidates: Firing[] = [];
  for (const firing of firingsFrom(taskId, specs, setAt, afterMs)) {
    // Every later occurrence fires at or after its nominal instant, so none can come before `best` any more.
    if (best !== undefined && firing.occurrence.atMs > best) break;
    if (firing.fireAtMs <= afterMs) continue;
    if (best === undefined || firing.fireAtMs < best) best = firing.fireAtMs;
    candidates.push(firing);
    if (firing.occurrence.atMs >= best) break;
  }
  if (best === undefined) return undefined;
  const at = best;
  return { fireAtMs: at, occurrences: candidates.filter((firing) => firing.fireAtMs === at).map((firing) => firing.occurrence) };
}

/** The next `count` fires after `afterMs` in the order they fire (ties by nominal instant): what next-fires shows. */
export function nextFirings(taskId: string, specs: readonly ScheduleSpec[], setAt: ScheduleSetInstants, afterMs: number, count: number): Firing[] {
  const out: Firing[] = [];
  let after = afterMs;
  while (out.length < count) {
    const next = nextFiring(taskId, specs, setAt, after);
    if (!next) break;
    for (const occurrence of next.occurrences) if (out.length < count) out.push({ occurrence, fireAtMs: next.fireAtMs });
    after = next.fireAtMs;
  }
  return out;
}
