import type { AttemptStatus, ExecutionError, ExecutionLogLine } from '@sched/contracts';
import type { AttemptRow } from '../projections';
import { fromJson, orNull, orUndefined, toJson } from './sql';

/**
 * The attempts a task's duration stats are over: the ones that ran to an outcome. A cancelled attempt has a duration
 * (how long it ran until the cancel), but a run cut short would pull the average and the p95 down.
 */
export const TIMED_ATTEMPT = "duration_ms IS NOT NULL AND status != 'cancelled'";

export const ATTEMPTS_DDL = `
  CREATE TABLE IF NOT EXISTS attempts (
    execution_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    task_id TEXT NOT NULL,
    status TEXT NOT NULL,
    worker_id TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    duration_ms REAL,
    error TEXT,
    logs TEXT,
    position INTEGER NOT NULL,
    PRIMARY KEY (execution_id, attempt)
  ) STRICT;
  CREATE INDEX IF NOT EXISTS attempts_by_task_duration ON attempts (task_id, duration_ms) WHERE ${TIMED_ATTEMPT};
`;

export interface AttemptRecord {
  execution_id: string;
  attempt: number;
  task_id: string;
  status: string;
  worker_id: string;
  started_at: number;
  ended_at: number | null;
  duration_ms: number | null;
  error: string | null;
  logs: string | null;
  position: number;
}

export const ATTEMPT_COLUMNS: readonly (keyof AttemptRecord)[] = [
  'execution_id', 'attempt', 'task_id', 'status', 'worker_id', 'started_at', 'ended_at', 'duration_ms', 'error', 'logs', 'position',
];

export function attemptToRecord(row: AttemptRow): AttemptRecord {
  return {
    execution_id: row.executionId,
    attempt: row.attempt,
    task_id: row.taskId,
    status: row.status,
    worker_id: row.workerId,
    started_at: row.startedAt,
    ended_at: orNull(row.endedAt),
    duration_ms: orNull(row.durationMs),
    error: toJson(row.error),
    logs: toJson(row.logs),
    position: row.position,
  };
}

export function recordToAttempt(r: AttemptRecord): AttemptRow {
  return {
    executionId: r.execution_id,
    attempt: r.attempt,
    taskId: r.task_id,
    status: r.status as AttemptStatus,
    workerId: r.worker_id,
    startedAt: r.started_at,
    endedAt: orUndefined(r.ended_at),
    durationMs: orUndefined(r.duration_ms),
    error: fromJson<ExecutionError>(r.error),
    logs: fromJson<ExecutionLogLine[]>(r.logs),
    position: r.position,
  };
}
