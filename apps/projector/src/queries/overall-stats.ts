import type { OverallStatsView } from '@sched/contracts';
import type Database from 'better-sqlite3';
import type { LiveCounts } from './views';

interface Totals {
  tasks: number;
  total: number | null;
  running: number | null;
  latest: number | null;
}

interface Outcomes {
  succeeded: number | null;
  failed: number | null;
  cancelled: number | null;
  skipped: number | null;
  timed: number | null;
  duration_sum: number | null;
}

/**
 * Every task's executions together, summed over the per-task rows the projector already keeps (tasks and
 * task_stats): one pass over those tables, never over the executions themselves. Deleted tasks' executions count.
 * Workflow steps' executions do not (their task_stats rows are keyed by a step's pseudo task id, which has no task
 * row): as in a workflow task's own stats, a run is one execution however many steps it ran, so the outcomes add
 * up to the executions counted.
 */
export function overallStats(db: Database.Database): OverallStatsView {
  const totals = db
    .prepare(
      `SELECT SUM(CASE WHEN state != 'deleted' THEN 1 ELSE 0 END) AS tasks, SUM(count_total) AS total,
              SUM(count_running) AS running, MAX(json_extract(last_execution, '$.scheduledAt')) AS latest
         FROM tasks`,
    )
    .get() as Totals;
  const outcomes = db
    .prepare(
      `SELECT SUM(succeeded) AS succeeded, SUM(failed) AS failed, SUM(cancelled) AS cancelled, SUM(skipped) AS skipped,
              SUM(timed_attempts) AS timed, SUM(duration_sum_ms) AS duration_sum
         FROM task_stats WHERE task_id IN (SELECT task_id FROM tasks)`,
    )
    .get() as Outcomes;
  const succeeded = outcomes.succeeded ?? 0;
  const failed = outcomes.failed ?? 0;
  const timed = outcomes.timed ?? 0;
  return {
    tasks: totals.tasks ?? 0,
    total: totals.total ?? 0,
    succeeded,
    failed,
    cancelled: outcomes.cancelled ?? 0,
    skipped: outcomes.skipped ?? 0,
    running: totals.running ?? 0,
    ...(succeeded + failed > 0 ? { successRate: succeeded / (succeeded + failed) } : {}),
    ...(timed > 0 ? { avgDurationMs: (outcomes.duration_sum ?? 0) / timed } : {}),
    ...(totals.latest === null ? {} : { latestExecutionAt: new Date(totals.latest).toISOString() }),
  };
}

/**
 * The live counts of executions that belong to no task row: a workflow step's pseudo task `<taskId>:<stepId>`,
 * across the runs (its executions' `executions_by_task` index range). Undefined when it has none.
 */
export function stepCounts(db: Database.Database, taskId: string): LiveCounts | undefined {
  const row = db
    .prepare(
      `SELECT COUNT(*) AS total, SUM(CASE WHEN status IN ('running', 'paused') THEN 1 ELSE 0 END) AS running,
              MAX(scheduled_at) AS latest
         FROM executions WHERE task_id = ?`,
    )
    .get(taskId) as { total: number; running: number | null; latest: number | null };
  if (row.total === 0) return undefined;
  return { total: row.total, running: row.running ?? 0, ...(row.latest === null ? {} : { latestScheduledAt: row.latest }) };
}
