import type { WorkflowRunRow, WorkflowStepRow } from '../projections/workflow-run.projection';
import { fromJson, orNull, orUndefined } from './sql';

export const WORKFLOW_RUNS_DDL = `
  CREATE TABLE IF NOT EXISTS workflow_runs (
    run_id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL,
    status TEXT NOT NULL,
    mode TEXT NOT NULL,
    on_failure TEXT NOT NULL,
    max_parallel INTEGER NOT NULL,
    resumed_from TEXT,
    resumed_as TEXT,
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    duration_ms REAL,
    steps TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    start_position INTEGER NOT NULL,
    position INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX IF NOT EXISTS workflow_runs_by_task ON workflow_runs (task_id, started_at, run_id);
  CREATE INDEX IF NOT EXISTS workflow_runs_by_started ON workflow_runs (started_at, run_id);
  CREATE INDEX IF NOT EXISTS workflow_runs_by_task_stream ON workflow_runs (task_id, start_position);
`;

/** A `workflow_runs` row as SQLite holds it: the steps (with their results) as one JSON array. */
export interface WorkflowRunRecord {
  run_id: string;
  task_id: string;
  status: string;
  mode: string;
  on_failure: string;
  max_parallel: number;
  resumed_from: string | null;
  resumed_as: string | null;
  started_at: number;
  ended_at: number | null;
  duration_ms: number | null;
  steps: string;
  updated_at: number;
  /** Global position of the run's first event: where its stream starts in the log. */
  start_position: number;
  position: number;
}

export const WORKFLOW_RUN_COLUMNS: readonly (keyof WorkflowRunRecord)[] = [
  'run_id', 'task_id', 'status', 'mode', 'on_failure', 'max_parallel', 'resumed_from', 'resumed_as',
  'started_at', 'ended_at', 'duration_ms',
  'steps', 'updated_at', 'start_position', 'position',
];

export function workflowRunToRecord(row: WorkflowRunRow): WorkflowRunRecord {
  return {
    run_id: row.runId,
    task_id: row.taskId,
    status: row.status,
    mode: row.mode,
    on_failure: row.onFailure,
    max_parallel: row.maxParallel,
    resumed_from: orNull(row.resumedFrom),
    resumed_as: orNull(row.resumedAs),
    started_at: row.startedAt,
    ended_at: orNull(row.endedAt),
    duration_ms: orNull(row.durationMs),
    steps: JSON.stringify(row.steps),
    updated_at: row.updatedAt,
    start_position: row.startPosition,
    position: row.position,
  };
}

export function recordToWorkflowRun(r: WorkflowRunRecord): WorkflowRunRow {
  return {
    runId: r.run_id,
    taskId: r.task_id,
    status: r.status as WorkflowRunRow['status'],
    mode: r.mode as WorkflowRunRow['mode'],
    onFailure: r.on_failure as WorkflowRunRow['onFailure'],
    maxParallel: r.max_parallel,
    resumedFrom: orUndefined(r.resumed_from),
    resumedAs: orUndefined(r.resumed_as),
    startedAt: r.started_at,
    endedAt: orUndefined(r.ended_at),
    durationMs: orUndefined(r.duration_ms),
    steps: fromJson<WorkflowStepRow[]>(r.steps) ?? [],
    updatedAt: r.updated_at,
    startPosition: r.start_position,
    position: r.position,
  };
}
