import type { ExecutionStatus } from '@sched/contracts';
import { EXECUTION_EVENT_TYPES, type ExecutionRow } from './execution.projection';
import type { Projection } from './projection';
import type { LastExecution, TaskCounts, TaskRow } from './task.projection';

/**
 * What an execution event did to its execution row. Later events of an execution stream carry only the execution
 * id, so the task side folds the row change (which knows its task) rather than the raw event.
 */
export interface ExecutionChange {
  readonly type: string;
  readonly position: number;
  readonly before: ExecutionRow | null;
  readonly after: ExecutionRow;
}

const COUNTED: readonly (keyof TaskCounts & ExecutionStatus)[] = ['succeeded', 'failed', 'running'];
/** A paused execution is still in the middle of its run: it counts as running. */
const counted = (status: ExecutionStatus | undefined): ExecutionStatus | undefined => (status === 'paused' ? 'running' : status);

/** Counts move by status transitions, so they stay right whatever order of statuses an execution goes through. */
function recount(counts: TaskCounts, before: ExecutionRow | null, after: ExecutionRow): TaskCounts {
  const from = counted(before?.status);
  const to = counted(after.status);
  if (before && from === to) return counts; // most events (progress, a retry's failure) move no count
  const moved = (status: (typeof COUNTED)[number]): number => (to === status ? 1 : 0) - (from === status ? 1 : 0);
  return {
    total: counts.total + (before ? 0 : 1),
    succeeded: counts.succeeded + moved('succeeded'),
    failed: counts.failed + moved('failed'),
    running: counts.running + moved('running'),
  };
}

const summary = (row: ExecutionRow): LastExecution => ({
  executionId: row.executionId,
  status: row.status,
  scheduledAt: row.scheduledAt,
  endedAt: row.endedAt,
  ...(row.retryAt === undefined ? {} : { retryAt: row.retryAt }),
});

/**
 * The last execution is the newest occurrence by scheduled time; a backfilled older occurrence that becomes due
 * later does not replace it. Its status follows the execution until a newer one is due.
 */
function latest(current: LastExecution | undefined, change: ExecutionChange): LastExecution | undefined {
  const { before, after } = change;
  if (current?.executionId === after.executionId) return summary(after);
  if (before === null && (!current || after.scheduledAt >= current.scheduledAt)) return summary(after);
  return current;
}

/** Folds execution outcomes into their task: counts and last execution. */
export const taskExecutionsProjection: Projection<TaskRow, ExecutionChange> = {
  name: 'tasks.executions',
  handles: EXECUTION_EVENT_TYPES,
  evolve(task: TaskRow | null, change: ExecutionChange): TaskRow | null {
    if (!task) return null;
    const counts = recount(task.counts, change.before, change.after);
    return { ...task, counts, lastExecution: latest(task.lastExecution, change), position: change.position };
  },
};
