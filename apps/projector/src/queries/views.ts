import type { AttemptView, ExecutionView, ScheduleStatus, TaskStatsView, TaskView } from '@sched/contracts';
import type { AttemptRow, ExecutionRow, TaskRow, TaskStatsRow } from '../projections';
import { isPausedAt } from '@sched/domain';
import { nextFireInstantOf, scheduleStatusOf } from './schedule-status';

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrUndefined = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : iso(ms));

/**
 * `nextFireAt` depends on the clock, so it is computed here at query time and never stored: a rebuild then gives
 * the very same tables whenever it runs.
 */
/**
 * The row as of `nowMs`: a pause whose end has come is over (the task active since that end), though no event says
 * so: the timer fires from that end by the same rule (isPausedAt).
 */
export function effectiveTaskRow(row: TaskRow, nowMs: number): TaskRow {
  // Lapsed: still paused by its last event, no longer by the domain's rule (what the timer fires by).
  const lapsed = row.state === 'paused' && !isPausedAt({ status: row.state, pausedUntilMs: row.pausedUntil }, nowMs);
  if (!lapsed) return row;
  return { ...row, state: 'active', pauseNote: undefined, pausedUntil: undefined, activeSince: row.pausedUntil };
}

/**
 * A stored task's schedule status now, as its view says it (see toTaskView): its next fire is computed only when the
 * status depends on it, so a status filter over many tasks pays for what it reads.
 */
export function taskScheduleStatus(stored: TaskRow, nowMs: number): ScheduleStatus {
  const row = effectiveTaskRow(stored, nowMs);
  // The view's next fire for the rows that get this far (active and enabled): with jitter, as the timer arms it.
  return scheduleStatusOf(row, nowMs, () => nextFireInstantOf(row, nowMs));
}

export function toTaskView(stored: TaskRow, nowMs: number): TaskView {
  const row = effectiveTaskRow(stored, nowMs);
  const { definition, lastExecution: last } = row;
  // A pause with an end: the first fire after it (the one at the end itself included).
  const snoozedUntil = row.state === 'paused' ? row.pausedUntil : undefined;
  const nextFireAt = row.disabled ? undefined : row.state === 'active' ? nextFireInstantOf(row, nowMs) : snoozedUntil === undefined ? undefined : nextFireInstantOf(row, snoozedUntil - 1);
  // The definition with its policies as stored (what a user set is what task get shows), and the seed's retry terms.
  const { retry } = definition;
  return {
    taskId: row.taskId,
    ...definition,
    state: row.state,
    pauseNote: row.pauseNote,
    ...(snoozedUntil === undefined ? {} : { pausedUntil: iso(snoozedUntil) }),
    enabled: !row.disabled,
    ...(row.disableReason === undefined ? {} : { disableReason: row.disableReason }),
    // Reached only for an active, enabled task, whose next fire is computed above once (maxFires makes it a count).
    scheduleStatus: scheduleStatusOf(row, nowMs, () => nextFireAt),
    maxRetries: retry ? retry.maxAttempts - 1 : 0,
    ...(retry ? { retryIntervalMs: retry.initialIntervalMs } : {}),
    revision: row.revision,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
    nextFireAt: isoOrUndefined(nextFireAt),
    lastExecution: last && { ...last, scheduledAt: iso(last.scheduledAt), endedAt: isoOrUndefined(last.endedAt) },
    counts: row.counts,
  };
}

export function toExecutionView(row: ExecutionRow): ExecutionView {
  const { note, duePosition: _duePosition, ...fields } = row; // the log position it started at has no place in a view
  return {
    ...fields,
    ...(note === undefined ? {} : { endReason: note }),
    scheduledAt: iso(row.scheduledAt),
    startedAt: isoOrUndefined(row.startedAt),
    endedAt: isoOrUndefined(row.endedAt),
    retryAt: isoOrUndefined(row.retryAt),
    updatedAt: iso(row.updatedAt),
    retryCount: Math.max(0, row.attempt - 1),
  };
}

export function toAttemptView(row: AttemptRow): AttemptView {
  const { taskId: _taskId, position: _position, ...fields } = row;
  return { ...fields, startedAt: iso(row.startedAt), endedAt: isoOrUndefined(row.endedAt) };
}

/** What a task's stats read live rather than from task_stats: its executions so far, running now, the latest. */
export interface LiveCounts {
  readonly total: number;
  readonly running: number;
  readonly latestScheduledAt?: number;
}

export const liveCountsOf = (task: TaskRow): LiveCounts => ({
  total: task.counts.total,
  running: task.counts.running,
  latestScheduledAt: task.lastExecution?.scheduledAt,
});

export function toStatsView(taskId: string, counts: LiveCounts, row: TaskStatsRow | null, p95DurationMs: number | undefined): TaskStatsView {
  const { total, running, latestScheduledAt } = counts;
  const live = { total, running, ...(latestScheduledAt === undefined ? {} : { latestExecutionAt: iso(latestScheduledAt) }) };
  if (!row) return { taskId, finished: 0, succeeded: 0, failed: 0, cancelled: 0, skipped: 0, lastOutcomes: [], ...live };
  const decided = row.succeeded + row.failed;
  return {
    taskId,
    ...live,
    finished: row.finished,
    succeeded: row.succeeded,
    cancelled: row.cancelled,
    skipped: row.skipped,
    failed: row.failed,
    successRate: decided > 0 ? row.succeeded / decided : undefined,
    avgDurationMs: row.timedAttempts > 0 ? row.durationSumMs / row.timedAttempts : undefined,
    p95DurationMs,
    lastOutcomes: row.lastOutcomes.map((outcome) => ({ ...outcome, endedAt: iso(outcome.endedAt) })),
  };
}
