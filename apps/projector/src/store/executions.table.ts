import type { ExecutionError, ItemProgress } from '@sched/contracts';
import type { ExecutionRow } from '../projections';
import { fromJson, orNull, orUndefined, toJson } from './sql';

export const EXECUTIONS_DDL = `
  CREATE TABLE IF NOT EXISTS executions (
    execution_id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    executor TEXT NOT NULL,
    scheduled_at INTEGER NOT NULL,
    started_at INTEGER,
    ended_at INTEGER,
    duration_ms REAL,
    attempt INTEGER NOT NULL,
    worker_id TEXT,
    progress_percent REAL,
    progress_message TEXT,
    progress_items TEXT,
    result TEXT,
    error TEXT,
    note TEXT,
    retry_at INTEGER,
    updated_at INTEGER NOT NULL,
    due_position INTEGER NOT NULL,
    position INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX IF NOT EXISTS executions_by_task ON executions (task_id, scheduled_at, execution_id);
  CREATE INDEX IF NOT EXISTS executions_by_status ON executions (status, scheduled_at, execution_id);
  CREATE INDEX IF NOT EXISTS executions_by_scheduled ON executions (scheduled_at, execution_id);
  CREATE INDEX IF NOT EXISTS executions_by_task_stream ON executions (task_id, due_position);
`;

/** An `executions` row as SQLite holds it: JSON text for result and error; times in epoch ms. */
export interface ExecutionRecord {
  execution_id: string;
  task_id: string;
  status: string;
  reason: string;
  executor: string;
  scheduled_at: number;
  started_at: number | null;
  ended_at: number | null;
  duration_ms: number | null;
  attempt: number;
  worker_id: string | null;
  progress_percent: number | null;
  progress_message: string | null;
  /** JSON of the item counts and the estimated end (ItemProgress), when the executor reports items. */
  progress_items: string | null;
  result: string | null;
  error: string | null;
  note: string | null;
  retry_at: number | null;
  updated_at: number;
  due_position: number;
  position: number;
}

export const EXECUTION_COLUMNS: readonly (keyof ExecutionRecord)[] = [
  'execution_id', 'task_id', 'status', 'reason', 'executor', 'scheduled_at', 'started_at', 'ended_at', 'duration_ms',
  'attempt', 'worker_id', 'progress_percent', 'progress_message', 'progress_items', 'result', 'error', 'note', 'retry_at', 'updated_at', 'due_position',
  'position',
];

export function executionToRecord(row: ExecutionRow): ExecutionRecord {
  return {
    execution_id: row.executionId,
    task_id: row.taskId,
    status: row.status,
    reason: row.reason,
    executor: row.executor,
    scheduled_at: row.scheduledAt,
    started_at: orNull(row.startedAt),
    ended_at: orNull(row.endedAt),
    duration_ms: orNull(row.durationMs),
    attempt: row.attempt,
    worker_id: orNull(row.workerId),
    progress_percent: orNull(row.progress?.percent),
    progress_message: orNull(row.progress?.message),
    progress_items: toJson(itemsOf(row.progress)),
    result: toJson(row.result),
    error: toJson(row.error),
    note: orNull(row.note),
    retry_at: orNull(row.retryAt),
    updated_at: row.updatedAt,
    due_position: row.duePosition,
    position: row.position,
  };
}

export function recordToExecution(r: ExecutionRecord): ExecutionRow {
  const progress =
    r.progress_percent === null
      ? undefined
      : { percent: r.progress_percent, message: orUndefined(r.progress_message), ...fromJson<ItemProgress>(r.progress_items) };
  return {
    executionId: r.execution_id,
    taskId: r.task_id,
    status: r.status as ExecutionRow['status'],
    reason: r.reason as ExecutionRow['reason'],
    executor: r.executor,
    scheduledAt: r.scheduled_at,
    startedAt: orUndefined(r.started_at),
    endedAt: orUndefined(r.ended_at),
    durationMs: orUndefined(r.duration_ms),
    attempt: r.attempt,
    workerId: orUndefined(r.worker_id),
    progress,
    result: fromJson(r.result),
    error: fromJson<ExecutionError>(r.error),
    note: orUndefined(r.note),
    retryAt: orUndefined(r.retry_at),
    updatedAt: r.updated_at,
    duePosition: r.due_position,
    position: r.position,
  };
}

/** The item part of a progress report, or undefined when it has none. */
function itemsOf(progress: ExecutionRow['progress']): ItemProgress | undefined {
  if (!progress) return undefined;
  const { percent: _percent, message: _message, ...items } = progress;
  return Object.keys(items).length > 0 ? items : undefined;
}
