import { DEFAULT_MISFIRE, isoTime, type Misfire } from '@sched/contracts';
import { earliestSetInstant, planCatchUp, type KnownTaskState } from '@sched/domain';
import { scheduledOccurrence, type Occurrence } from './occurrence-firer';
import type { ScheduledTask } from './scheduled-tasks';

/**
 * The occurrences to append for a task whose partition was not fired in (sinceMs, nowMs]: what fell due more than
 * `thresholdMs` (the timer's misfire threshold) ago goes through the task's misfire policy (late fires, a coalesced
 * fire, a recorded skip); the caller fires the recent rest normally by scheduling from `normalFromMs`.
 */
export function catchUpOccurrences(
  taskId: string,
  task: ScheduledTask & { state: KnownTaskState },
  sinceMs: number,
  nowMs: number,
  thresholdMs: number,
): { occurrences: Occurrence[]; normalFromMs: number } {
  const misfireUntil = nowMs - thresholdMs;
  if (sinceMs >= misfireUntil) return { occurrences: [], normalFromMs: sinceMs };
  return { occurrences: catchUpBetween(taskId, task, sinceMs, misfireUntil, nowMs), normalFromMs: misfireUntil };
}

/**
 * A task disabled at `disabledAtMs` while no timer ran since `sinceMs`: what fell due before it was disabled is caught
 * up as for any task (it would have fired), nothing after (a disabled task fires nothing and records nothing).
 */
export function disabledWhileDown(
  taskId: string,
  task: ScheduledTask & { state: KnownTaskState },
  sinceMs: number,
  disabledAtMs: number,
  nowMs: number,
  thresholdMs: number,
): Occurrence[] {
  const untilMs = Math.min(disabledAtMs, nowMs - thresholdMs);
  return sinceMs >= untilMs ? [] : catchUpBetween(taskId, task, sinceMs, untilMs, nowMs);
}

/** The catch-up of (sinceMs, untilMs]: the misfire policy, and for a paused task its pause as one recorded skip. */
function catchUpBetween(taskId: string, task: ScheduledTask & { state: KnownTaskState }, sinceMs: number, misfireUntil: number, nowMs: number): Occurrence[] {
  const { definition, pausedUntilMs } = task.state;
  if (task.state.status !== 'paused') return planned(taskId, task, definition.misfire, sinceMs, misfireUntil, nowMs, 'misfire');
  // A paused task fires nothing it missed in its pause: those are recorded as one skip, like the misfire skip. What
  // fell due before the pause began (paused while no timer ran) goes through the misfire policy, as it would have
  // fired; so does what fell due after a pause that lapsed meanwhile (until).
  const pausedTo = pausedUntilMs === undefined ? misfireUntil : Math.min(misfireUntil, Math.max(sinceMs, pausedUntilMs - 1));
  const pausedFrom = Math.min(pausedTo, Math.max(sinceMs, task.pausedAtMs ?? sinceMs));
  return [
    ...planned(taskId, task, definition.misfire, sinceMs, pausedFrom, nowMs, 'misfire'),
    ...pausedSkip(taskId, task, pausedFrom, pausedTo, nowMs),
    ...planned(taskId, task, definition.misfire, pausedTo, misfireUntil, nowMs, 'misfire'),
  ];
}

/**
 * A task resumed at `resumedAtMs` while no timer ran since `sinceMs` (its pause began at `pausedAtMs`, maybe before
 * `sinceMs`): what fell due before the pause goes through the misfire policy, what fell due in the pause is recorded
 * as one paused skip, as a running timer would have recorded each. The caller fires the rest from `resumedAtMs` on.
 */
export function resumedWhileDown(
  taskId: string,
  task: ScheduledTask & { state: KnownTaskState },
  sinceMs: number,
  pausedAtMs: number,
  resumedAtMs: number,
  nowMs: number,
): Occurrence[] {
  const pausedFrom = Math.min(resumedAtMs, Math.max(sinceMs, pausedAtMs));
  return [...planned(taskId, task, task.state.definition.misfire, sinceMs, pausedFrom, nowMs, 'misfire'), ...pausedSkip(taskId, task, pausedFrom, resumedAtMs, nowMs)];
}

/** A paused task fires nothing it missed in (fromMs, toMs]: the missed occurrences are recorded as one skip. */
function pausedSkip(taskId: string, task: ScheduledTask & { state: KnownTaskState }, fromMs: number, toMs: number, nowMs: number): Occurrence[] {
  const skipAll = { ...(task.state.definition.misfire ?? DEFAULT_MISFIRE), policy: 'skip' as const };
  return planned(taskId, task, skipAll, fromMs, toMs, nowMs, 'paused');
}

/** The occurrences of one catch-up plan over (fromMs, toMs]: its late fires, after the skip it records (if any). */
function planned(
  taskId: string,
  task: ScheduledTask & { state: KnownTaskState },
  misfire: Misfire | undefined,
  fromMs: number,
  toMs: number,
  nowMs: number,
  skipReason: 'paused' | 'misfire',
): Occurrence[] {
  // Nothing from before the schedules were set (the task created, or its schedules changed, after the watermark its
  // partition was caught up from): those instants were never occurrences of the task.
  const from = Math.max(fromMs, earliestSetInstant(task.schedulesSetAt));
  if (from >= toMs) return [];
  const plan = planCatchUp(taskId, task.state.definition.schedules, misfire, from, toMs, task.schedulesSetAt, nowMs);
  const base = (nominalMs: number): Occurrence => scheduledOccurrence(taskId, task, nominalMs);
  const occurrences: Occurrence[] = plan.fires.map((fire) => ({
    ...base(fire.nominalMs),
    late: {
      lateByMs: fire.lateByMs,
      ...(fire.coalesced
        ? { coalesced: { count: fire.coalesced.count, from: isoTime(fire.coalesced.fromMs), to: isoTime(fire.coalesced.toMs) } }
        : {}),
    },
  }));
  if (plan.skip) {
    const { nominalMs, count, fromMs: missedFrom, toMs: missedTo } = plan.skip;
    occurrences.unshift({
      ...base(nominalMs),
      late: { lateByMs: Math.max(0, nowMs - nominalMs) },
      skipped: { reason: skipReason, missedCount: count, missedFrom: isoTime(missedFrom), missedTo: isoTime(missedTo) },
    });
  }
  return occurrences;
}
