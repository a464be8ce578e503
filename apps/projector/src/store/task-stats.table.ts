import type { OutcomeRow, TaskStatsRow } from '../projections';

export const TASK_STATS_DDL = `
  CREATE TABLE IF NOT EXISTS task_stats (
    task_id TEXT PRIMARY KEY,
    finished INTEGER NOT NULL,
    succeeded INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    cancelled INTEGER NOT NULL,
    skipped INTEGER NOT NULL,
    timed_attempts INTEGER NOT NULL,
    duration_sum_ms REAL NOT NULL,
    last_outcomes TEXT NOT NULL,
    position INTEGER NOT NULL
  ) STRICT;
`;

export interface TaskStatsRecord {
  task_id: string;
  finished: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  skipped: number;
  timed_attempts: number;
  duration_sum_ms: number;
  last_outcomes: string;
  position: number;
}

export const TASK_STATS_COLUMNS: readonly (keyof TaskStatsRecord)[] = [
  'task_id', 'finished', 'succeeded', 'failed', 'cancelled', 'skipped', 'timed_attempts', 'duration_sum_ms', 'last_outcomes', 'position',
];

export const statsToRecord = (row: TaskStatsRow): TaskStatsRecord => ({
  task_id: row.taskId,
  finished: row.finished,
  succeeded: row.succeeded,
  failed: row.failed,
  cancelled: row.cancelled,
  skipped: row.skipped,
  timed_attempts: row.timedAttempts,
  duration_sum_ms: row.durationSumMs,
  last_outcomes: JSON.stringify(row.lastOutcomes),
  position: row.position,
});

export const recordToStats = (r: TaskStatsRecord): TaskStatsRow => ({
  taskId: r.task_id,
  finished: r.finished,
  succeeded: r.succeeded,
  failed: r.failed,
  cancelled: r.cancelled,
  skipped: r.skipped,
  timedAttempts: r.timed_attempts,
  durationSumMs: r.duration_sum_ms,
  lastOutcomes: JSON.parse(r.last_outcomes) as OutcomeRow[],
  position: r.position,
});
