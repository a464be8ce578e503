import type { RecordedEvent } from '@sched/contracts';
import { foldBatch, type ExecutionRow, type RowSource, type TaskRow } from '../projections';

/** The projections without SQLite: rows in maps, folded batch by batch exactly as the store folds them. */
export class MemoryRows implements RowSource {
  readonly tasks = new Map<string, TaskRow>();
  readonly executions = new Map<string, ExecutionRow>();

  task = (taskId: string): TaskRow | null => this.tasks.get(taskId) ?? null;
  execution = (executionId: string): ExecutionRow | null => this.executions.get(executionId) ?? null;

  apply(...events: RecordedEvent[]): this {
    const changes = foldBatch(events, this);
    for (const [id, row] of changes.tasks) this.tasks.set(id, row);
    for (const [id, row] of changes.executions) this.executions.set(id, row);
    return this;
  }
}
