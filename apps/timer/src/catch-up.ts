import { DEFAULT_MISFIRE, MISFIRE_THRESHOLD_MS, isoTime } from '@sched/contracts';
import { planCatchUp, type KnownTaskState } from '@sched/domain';
import { scheduledOccurrence, type Occurrence } from './occurrence-firer';
import type { ScheduledTask } from './scheduled-tasks';


/**
 * The occurrences to append for a task whose partition was not fired in (sinceMs, nowMs]: what fell due more than
 * MISFIRE_THRESHOLD_MS ago goes through the task's misfire policy (late fires, a coalesced fire, a recorded skip);
 * the caller fires the recent rest normally by scheduling from `normalFromMs`.
 */
export function catchUpOccurrences(
  taskId: string,
  task: ScheduledTask & { state: KnownTaskState },
  sinceMs: number,
  nowMs: number,
): { occurrences: Occurrence[]; normalFromMs: number } {
  const misfireUntil = nowMs - MISFIRE_THRESHOLD_MS;
  if (sinceMs >= misfireUntil) return { occurrences: [], normalFromMs: sinceMs };
  const { definition } = task.state;
  // A paused task fires nothing it missed: the missed occurrences are recorded as one skip, like the misfire skip.
  const paused = task.state.status === 'paused';
  const misfire = paused ? { ...(definition.misfire ?? DEFAULT_MISFIRE), policy: 'skip' as const } : definition.misfire;
  const plan = planCatchUp(taskId, definition.schedules, misfire, sinceMs, misfireUntil, task.schedulesSetAt);
  const base = (nominalMs: number): Occurrence => scheduledOccurrence(taskId, task, nominalMs);
  const occurrences: Occurrence[] = plan.fires.map((fire) => ({
    ...base(fire.nominalMs),
    late: {
      lateByMs: Math.max(0, nowMs - fire.nominalMs),
      ...(fire.coalesced
        ? { coalesced: { count: fire.coalesced.count, from: isoTime(fire.coalesced.fromMs), to: isoTime(fire.coalesced.toMs) } }
        : {}),
    },
  }));
  if (plan.skip) {
    const { nominalMs, count, fromMs, toMs } = plan.skip;
    occurrences.unshift({
      ...base(nominalMs),
      late: { lateByMs: Math.max(0, nowMs - nominalMs) },
      skipped: { reason: paused ? 'paused' : 'misfire', missedCount: count, missedFrom: isoTime(fromMs), missedTo: isoTime(toMs) },
    });
  }
  return { occurrences, normalFromMs: misfireUntil };
}
