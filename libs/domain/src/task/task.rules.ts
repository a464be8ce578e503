import { ErrorCode, SchedError, invalidState, type TaskDefinition, type TaskEvent } from '@sched/contracts';
import type { KnownTaskState } from './task.state';

/** The executor type that only ever runs when triggered by hand. */
export const MANUAL_EXECUTOR = 'manual';

/** A `manual` task runs only when triggered: a schedule on it is a mistake, refused before anything is appended. */
export function assertSchedulesAllowed(definition: Pick<TaskDefinition, 'executor' | 'schedules'>): void {
  if (definition.executor === MANUAL_EXECUTOR && definition.schedules.length > 0) {
    throw new SchedError(ErrorCode.VALIDATION, 'a manual task cannot have a schedule: it runs only when triggered', {
      issues: [{ path: 'schedules', message: 'must be empty for executor "manual"' }],
    });
  }
}

/** Disabled means off: nothing fires it, not even a trigger or a backfill. */
export function assertEnabled(task: KnownTaskState, what: string): void {
  if (task.disabled) throw invalidState(`task ${task.taskId} is disabled: enable it before ${what}`, { taskId: task.taskId });
}

export function decideDisable(task: KnownTaskState, reason: string | undefined): TaskEvent[] {
  if (task.disabled) return [];
  return [{ type: 'TaskDisabled', data: { taskId: task.taskId, ...(reason ? { reason } : {}) } }];
}

export function decideEnable(task: KnownTaskState): TaskEvent[] {
  return task.disabled ? [{ type: 'TaskEnabled', data: { taskId: task.taskId } }] : [];
}
