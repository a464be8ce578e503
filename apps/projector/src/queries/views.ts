import type { ExecutionView, TaskView } from '@sched/contracts';
import { nextFires } from '@sched/domain';
import type { ExecutionRow, TaskRow } from '../projections';

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrUndefined = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : iso(ms));

/**
 * `nextFireAt` depends on the clock, so it is computed here at query time and never stored: a rebuild then gives
 * the very same tables whenever it runs.
 */
export function toTaskView(row: TaskRow, nowMs: number): TaskView {
  const { definition, lastExecution: last } = row;
  const nextFireAt = row.state === 'active' ? nextFires(definition.schedules, nowMs, 1)[0] : undefined;
  return {
    taskId: row.taskId,
    ...definition,
    state: row.state,
    pauseNote: row.pauseNote,
    revision: row.revision,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
    nextFireAt: isoOrUndefined(nextFireAt),
    lastExecution: last && { ...last, scheduledAt: iso(last.scheduledAt), endedAt: isoOrUndefined(last.endedAt) },
    counts: row.counts,
  };
}

export function toExecutionView(row: ExecutionRow): ExecutionView {
  const { note: _note, ...fields } = row; // `note` has no place in ExecutionView yet
  return {
    ...fields,
    scheduledAt: iso(row.scheduledAt),
    startedAt: isoOrUndefined(row.startedAt),
    endedAt: isoOrUndefined(row.endedAt),
    updatedAt: iso(row.updatedAt),
  };
}
