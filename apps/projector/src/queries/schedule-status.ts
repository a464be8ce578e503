import { DELAYED_AFTER_MS, OVERDUE_AFTER_MS, type ScheduleStatus } from '@sched/contracts';
import { largestJitterMs, nextFiring, remainingOccurrences } from '@sched/domain';
import type { TaskRow } from '../projections';

/**
 * The task's next fire after `afterMs`, as the timer fires it: a schedule with maxFires that has fired that often
 * since it was set fires no more (the fires are counted as the timer counts them, never stored).
 */
export function nextFireOf(row: TaskRow, afterMs: number): number | undefined {
  const { schedules } = row.definition;
  return remainingOccurrences(schedules, row.schedulesSetAt, afterMs, 1)[0]?.atMs;
}

/** When the task fires next after `afterMs`, its jitter included: the instant the timer arms (what task get shows). */
export function nextFireInstantOf(row: TaskRow, afterMs: number): number | undefined {
  return nextFiring(row.taskId, row.definition.schedules, row.schedulesSetAt, afterMs)?.fireAtMs;
}

/**
 * Overdue: the latest execution has been due (not started; a retry: since its retry fell due) for longer than
 * OVERDUE_AFTER_MS, or the first occurrence
 * after the latest recorded execution (or after the task became active, whichever is later) is older than that.
 * Occurrences recorded as skipped count as recorded: a skip is the timer doing its job.
 */
export function isOverdue(row: TaskRow, nowMs: number): boolean {
  const last = row.lastExecution;
  // Due since its instant, or, waiting out a retry's backoff, since the retry fell due (a 5-minute backoff is no delay).
  if (last?.status === 'due' && nowMs - (last.retryAt ?? last.scheduledAt) > OVERDUE_AFTER_MS) return true;
  const since = Math.max(row.activeSince ?? row.createdAt, last?.scheduledAt ?? Number.NEGATIVE_INFINITY);
  const expected = nextFireOf(row, since);
  return expected !== undefined && nowMs - expected > OVERDUE_AFTER_MS + largestJitterMs(row.definition.schedules);
}

/**
 * The computed schedule status; the order of the checks is the order documented in contracts/schedule-status.ts.
 * `nextFire`: the task's next fire after now, for a caller that has it already (a task view shows it too).
 */
export function scheduleStatusOf(row: TaskRow, nowMs: number, nextFire: () => number | undefined = () => nextFireOf(row, nowMs)): ScheduleStatus {
  if (row.disabled || row.state === 'deleted') return 'disabled';
  if (row.state === 'paused') return 'paused';
  const last = row.lastExecution;
  if (row.counts.running > 0 || last?.status === 'running' || last?.status === 'paused') return 'running';
  if (isOverdue(row, nowMs)) return 'overdue';
  if (last?.status === 'failed' || last?.status === 'cancelled') return 'failed';
  const next = nextFire();
  if (next !== undefined && next - nowMs > DELAYED_AFTER_MS) return 'delayed';
  if (last?.status === 'succeeded') return 'succeeded';
  // Schedules with nothing left to fire, and nothing ran last: waiting for nothing (it was 'pending' for good).
  if (next === undefined && row.definition.schedules.length > 0) return 'ended';
  return 'pending';
}
