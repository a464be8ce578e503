import type { RecordedEvent } from '@sched/contracts';
import { attemptKey, foldBatch, type AttemptRow, type ExecutionRow, type RowSource, type TaskRow, type TaskStatsRow, type WorkflowRunRow } from '../projections';

/** The projections without SQLite: rows in maps, folded batch by batch exactly as the store folds them. */
export class MemoryRows implements RowSource {
  readonly tasks = new Map<string, TaskRow>();
  readonly executions = new Map<string, ExecutionRow>();
  readonly attempts = new Map<string, AttemptRow>();
  readonly taskStats = new Map<string, TaskStatsRow>();
  readonly workflowRuns = new Map<string, WorkflowRunRow>();

  task = (taskId: string): TaskRow | null => this.tasks.get(taskId) ?? null;
  execution = (executionId: string): ExecutionRow | null => this.executions.get(executionId) ?? null;
  attempt = (executionId: string, attempt: number): AttemptRow | null => this.attempts.get(attemptKey(executionId, attempt)) ?? null;
  stats = (taskId: string): TaskStatsRow | null => this.taskStats.get(taskId) ?? null;
  workflowRun = (runId: string): WorkflowRunRow | null => this.workflowRuns.get(runId) ?? null;

  apply(...events: RecordedEvent[]): this {
    const changes = foldBatch(events, this);
    for (const [id, row] of changes.tasks) this.tasks.set(id, row);
    for (const [id, row] of changes.executions) this.executions.set(id, row);
    for (const [key, row] of changes.attempts) this.attempts.set(key, row);
    for (const [id, row] of changes.stats) this.taskStats.set(id, row);
    for (const [id, row] of changes.workflowRuns) this.workflowRuns.set(id, row);
    return this;
  }
}
