import { DEFAULT_MISFIRE, isoTime, type Misfire } from '@sched/contracts';
import { earliestSetInstant, planCatchUpSteps, runToEnd, type KnownTaskState } from '@sched/domain';
import { stretchesAsNow } from './activity-timeline';
import { scheduledOccurrence, type Occurrence } from './occurrence-firer';
import { standingOf, type ScheduledTask } from './scheduled-tasks';

/**
 * The occurrences to append for a task whose partition was not fired in (sinceMs, nowMs]. Its pauses, resumes,
 * disables and enables in that time are played back as a running timer would have handled them: what fell due while
 * it was enabled and not paused goes through its misfire policy (late fires, a coalesced fire, a recorded skip), what
 * fell due while paused is recorded as one paused skip per pause, what fell due while disabled is neither. That goes
 * up to `thresholdMs` (the timer's misfire threshold) ago, or to its last transition if that is later (the misfire
 * policy for the recent occurrences before it: they fell due under another standing than the one the caller fires
 * by); the caller fires the rest normally by scheduling from `normalFromMs`.
 */
export const catchUpOccurrences = (...args: Parameters<typeof catchUpSteps>): CatchUp => runToEnd(catchUpSteps(...args));

export interface CatchUp {
  readonly occurrences: Occurrence[];
  readonly normalFromMs: number;
}

/** catchUpOccurrences a step at a time (planCatchUpSteps): a week of a task every second is seconds of work. */
export function* catchUpSteps(
  taskId: string,
  task: ScheduledTask & { state: KnownTaskState },
  sinceMs: number,
  nowMs: number,
  thresholdMs: number,
): Generator<void, CatchUp> {
  const untilMs = Math.max(nowMs - thresholdMs, Math.min(nowMs, task.timeline?.lastAtMs ?? Number.NEGATIVE_INFINITY));
  if (sinceMs >= untilMs) return { occurrences: [], normalFromMs: sinceMs };
  const stretches = task.timeline?.stretches(sinceMs, untilMs) ?? stretchesAsNow(standingOf(task), sinceMs, untilMs);
  const occurrences: Occurrence[] = [];
  for (const { activity, fromMs, toMs } of stretches) {
    if (activity === 'active') occurrences.push(...(yield* planned(taskId, task, task.state.definition.misfire, fromMs, toMs, nowMs, 'misfire')));
    if (activity === 'paused') occurrences.push(...(yield* pausedSkip(taskId, task, fromMs, toMs, nowMs)));
    // Disabled (or forgotten): a disabled task fires nothing and records nothing.
  }
  return { occurrences, normalFromMs: untilMs };
}

/** A paused task fires nothing it missed in (fromMs, toMs]: the missed occurrences are recorded as one skip. */
function* pausedSkip(taskId: string, task: ScheduledTask & { state: KnownTaskState }, fromMs: number, toMs: number, nowMs: number): Generator<void, Occurrence[]> {
  const skipAll = { ...(task.state.definition.misfire ?? DEFAULT_MISFIRE), policy: 'skip' as const };
  return yield* planned(taskId, task, skipAll, fromMs, toMs, nowMs, 'paused');
}

/** The occurrences of one catch-up plan over (fromMs, toMs]: its late fires, after the skip it records (if any). */
function* planned(
  taskId: string,
  task: ScheduledTask & { state: KnownTaskState },
  misfire: Misfire | undefined,
  fromMs: number,
  toMs: number,
  nowMs: number,
  skipReason: 'paused' | 'misfire',
): Generator<void, Occurrence[]> {
  // Nothing from before the schedules were set (the task created, or its schedules changed, after the watermark its
  // partition was caught up from): those instants were never occurrences of the task.
  const from = Math.max(fromMs, earliestSetInstant(task.schedulesSetAt));
  if (from >= toMs) return [];
  const plan = yield* planCatchUpSteps(taskId, task.state.definition.schedules, misfire, from, toMs, task.schedulesSetAt, nowMs);
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
