import type { ExecutionStatus } from '@sched/contracts';
import type { AttemptRow } from './attempt.projection';
import type { Projection } from './projection';
import type { ExecutionChange } from './task-executions.projection';

/** How many recent outcomes a task's stats keep. */
export const LAST_OUTCOMES = 20;

export interface OutcomeRow {
  readonly executionId: string;
  readonly status: ExecutionStatus;
  readonly endedAt: number;
  readonly durationMs?: number;
}

/** One row of `task_stats`. Percentiles are not stored: the query reads them off the attempts table's index. */
export interface TaskStatsRow {
  readonly taskId: string;
  readonly finished: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly cancelled: number;
  readonly skipped: number;
  /** Attempts that ended with a duration, and the sum of those durations (for the average). */
  readonly timedAttempts: number;
  readonly durationSumMs: number;
  /** Newest first. */
  readonly lastOutcomes: readonly OutcomeRow[];
  readonly position: number;
}

/** What one execution event changed that the stats care about: the execution row, and the attempt row if any. */
export interface StatsChange extends ExecutionChange {
  readonly attemptBefore?: AttemptRow | null;
  readonly attemptAfter?: AttemptRow | null;
}

const TERMINAL: readonly ExecutionStatus[] = ['succeeded', 'failed', 'cancelled', 'skipped'];
const isTerminal = (status: ExecutionStatus | undefined): boolean => status !== undefined && TERMINAL.includes(status);

export const emptyStats = (taskId: string, position: number): TaskStatsRow => ({
  taskId,
  finished: 0,
  succeeded: 0,
  failed: 0,
  cancelled: 0,
  skipped: 0,
  timedAttempts: 0,
  durationSumMs: 0,
  lastOutcomes: [],
  position,
});

/** Outcomes count when an execution first reaches an end; durations when an attempt first gets one. */
export const taskStatsProjection: Projection<TaskStatsRow, StatsChange> = {
  name: 'task_stats',
  handles: ['TaskSucceeded', 'TaskFailed', 'TaskCancelled', 'TaskSkipped'],
  evolve(row: TaskStatsRow | null, change: StatsChange): TaskStatsRow | null {
    const { before, after, attemptBefore, attemptAfter } = change;
    // As the attempts index the p95 is read off (TIMED_ATTEMPT): attempts that ran to an outcome, not cancelled ones.
    const timed = attemptAfter?.durationMs !== undefined && attemptBefore?.durationMs === undefined && attemptAfter.status !== 'cancelled';
    const finishing = isTerminal(after.status) && !isTerminal(before?.status);
    if (!timed && !finishing) return row;
    const stats = row ?? emptyStats(after.taskId, change.position);
    // One new row per change (a rebuild folds one per finished execution): every field written out.
    return {
      taskId: stats.taskId,
      finished: stats.finished + (finishing ? 1 : 0),
      succeeded: stats.succeeded + (finishing && after.status === 'succeeded' ? 1 : 0),
      failed: stats.failed + (finishing && after.status === 'failed' ? 1 : 0),
      cancelled: stats.cancelled + (finishing && after.status === 'cancelled' ? 1 : 0),
      skipped: stats.skipped + (finishing && after.status === 'skipped' ? 1 : 0),
      timedAttempts: stats.timedAttempts + (timed ? 1 : 0),
      durationSumMs: stats.durationSumMs + (timed ? attemptAfter.durationMs! : 0),
      lastOutcomes: finishing ? [outcomeOf(after), ...stats.lastOutcomes.slice(0, LAST_OUTCOMES - 1)] : stats.lastOutcomes,
      position: change.position,
    };
  },
};

function outcomeOf(execution: ExecutionChange['after']): OutcomeRow {
  const outcome: OutcomeRow = { executionId: execution.executionId, status: execution.status, endedAt: execution.endedAt ?? execution.updatedAt };
  return execution.durationMs === undefined ? outcome : { ...outcome, durationMs: execution.durationMs };
}
