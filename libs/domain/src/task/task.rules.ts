import { ErrorCode, SchedError, deletedNotFound, invalidState, isoTime, notFound, type ScheduleSpec, type TaskDefinition, type TaskEvent } from '@sched/contracts';
import { MAX_EXCLUDED_STRETCHES, nextFireAfter } from '../schedule/schedule.occurrences';
import { sameSchedule } from '../schedule/set-instants';
import type { KnownTaskState, TaskState } from './task.state';

/** The executor type that only ever runs when triggered by hand. */
export const MANUAL_EXECUTOR = 'manual';

/**
 * A `manual` task runs only when triggered: a schedule on it is a mistake, refused before anything is appended.
 * `what` (the command, "task.create") starts the message, as it starts the command's other VALIDATION messages.
 */
export function assertSchedulesAllowed(what: string, definition: Pick<TaskDefinition, 'executor' | 'schedules'>): void {
  if (definition.executor === MANUAL_EXECUTOR && definition.schedules.length > 0) {
    throw new SchedError(ErrorCode.VALIDATION, `${what}: a manual task cannot have a schedule: it runs only when triggered`, {
      issues: [{ path: 'schedules', message: 'must be empty for executor "manual"' }],
    });
  }
}

/**
 * A schedule that can no longer fire when it is set (a one-shot whose instant has passed, a window that has ended, a
 * cron that never matches again) is refused: the timer fires a schedule's occurrences after the instant it was set,
 * so it would sit on the task and never run, where whoever set it meant it to. `kept`: schedules the task already
 * had, which an update may carry over unchanged (a one-shot that fired long ago). `nowMs` is the instant the change
 * is recorded at, so "can fire" here is exactly what the timer will fire. `what` starts the message (see assertSchedulesAllowed).
 */
export function assertSchedulesCanFire(what: string, schedules: readonly ScheduleSpec[], nowMs: number, kept: readonly ScheduleSpec[] = []): void {
  const issues: Array<{ path: string; message: string }> = [];
  schedules.forEach((spec, index) => {
    if (nextFireAfter(spec, nowMs) !== undefined) return;
    if (kept.some((old) => sameSchedule(old, spec))) return;
    const now = isoTime(nowMs);
    if (spec.type === 'once' && Date.parse(spec.at) <= nowMs) {
      issues.push({ path: `schedules.${index}.at`, message: `${spec.at} has passed (now ${now}): a one-shot must lie in the future; trigger the task to run it now` });
    } else if (spec.endAt !== undefined && Date.parse(spec.endAt) <= nowMs) {
      issues.push({ path: `schedules.${index}.endAt`, message: `${spec.endAt} has passed (now ${now}): the schedule would never fire` });
    } else if (spec.exclude !== undefined && nextFireAfter({ ...spec, exclude: undefined }, nowMs) !== undefined) {
      const message = `excludes every occurrence after now (${now}), as far as ${MAX_EXCLUDED_STRETCHES} excluded stretches in a row: the schedule would never fire`;
      issues.push({ path: `schedules.${index}.exclude`, message });
    } else {
      issues.push({ path: `schedules.${index}`, message: `no occurrence after now (${now}): the schedule would never fire` });
    }
  });
  if (issues.length > 0) throw new SchedError(ErrorCode.VALIDATION, `${what}: ${issues[0].path}: ${issues[0].message}`, { issues });
}

/** Every command but create needs a task that exists and was not deleted (the gateway checks the same before a rename's claim). */
export function requireLive(state: TaskState, taskId: string): KnownTaskState {
  if (state.status === 'none') throw notFound('Task', taskId);
  if (state.status === 'deleted') throw deletedNotFound('Task', taskId);
  return state;
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
