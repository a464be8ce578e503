import { ErrorCode, MAX_BACKFILL_OCCURRENCES, SchedError, isoTime, type TaskDefinition, type TaskEvent } from '@sched/contracts';
import { assertNever, type Decider } from '../decider';
import { backfillSchedules, countOccurrences } from '../schedule/next-fires';
import type { TaskCommand } from './task.commands';
import { evolveTask, initialTaskState, isPausedAt, pausedAfterKey, type KnownTaskState, type TaskState } from './task.state';
import { assertEnabled, assertSchedulesAllowed, assertSchedulesCanFire, decideDisable, decideEnable, requireLive } from './task.rules';
import { taskStateCodec } from './task.snapshot';
import { withCanonicalTimezones } from '../schedule/canonical-timezones';


/** Only the fields whose value really changes, so an update that changes nothing appends nothing. */
function effectiveChanges(current: TaskDefinition, changes: Partial<TaskDefinition>): Partial<TaskDefinition> {
  const effective: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    if (JSON.stringify(current[key as keyof TaskDefinition]) !== JSON.stringify(value)) effective[key] = value;
  }
  return effective as Partial<TaskDefinition>;
}

/** A backfill fires the task's own occurrences in (from, to]: only the past, and a bounded number of them. */
function decideBackfill(task: KnownTaskState, data: Extract<TaskCommand, { type: 'BackfillTask' }>['data']): TaskEvent[] {
  const { taskId, backfillId, fromMs, toMs, nowMs } = data;
  if (task.triggeredExecutionIds.has(`backfill:${backfillId}`)) return [];
  // `issues` naming the field, as every other VALIDATION has (these had only { to }, { limit } or nothing).
  const invalid = (path: 'from' | 'to', message: string, details: Record<string, unknown> = {}) =>
    new SchedError(ErrorCode.VALIDATION, `task.backfill: ${path}: ${message}`, { ...details, issues: [{ path, message }] });
  if (toMs > nowMs) throw invalid('to', 'a backfill cannot reach into the future', { to: new Date(toMs).toISOString() });
  const occurrences = countOccurrences(backfillSchedules(task.definition.schedules), fromMs, toMs, MAX_BACKFILL_OCCURRENCES + 1);
  if (occurrences === 0) throw invalid('from', 'the task has no occurrence in that range');
  if (occurrences > MAX_BACKFILL_OCCURRENCES) {
    throw invalid('to', `a backfill may fire at most ${MAX_BACKFILL_OCCURRENCES} occurrences; split the range`, { limit: MAX_BACKFILL_OCCURRENCES });
  }
  return [{ type: 'BackfillRequested', data: { taskId, backfillId, from: isoTime(fromMs), to: isoTime(toMs), occurrences } }];
}

export function decideTask(command: TaskCommand, state: TaskState): TaskEvent[] {
  const { taskId } = command.data;
  switch (command.type) {
    case 'CreateTask': {
      if (state.status !== 'none') {
        throw new SchedError(ErrorCode.CONFLICT, `task ${taskId} already exists`, { taskId });
      }
      const definition = { ...command.data.definition, schedules: withCanonicalTimezones(command.data.definition.schedules) };
      assertSchedulesAllowed('task.create', definition);
      assertSchedulesCanFire('task.create', definition.schedules, command.data.nowMs);
      return [
        { type: 'TaskCreated', data: { taskId, definition } },
        ...(command.data.enabled === false ? [{ type: 'TaskDisabled', data: { taskId } } as const] : []),
      ];
    }
    case 'UpdateTask': {
      const task = requireLive(state, taskId);
      const { schedules } = command.data.changes;
      const changes = effectiveChanges(task.definition, schedules ? { ...command.data.changes, schedules: withCanonicalTimezones(schedules) } : command.data.changes);
      const removed = (command.data.removed ?? []).filter((field) => task.definition[field] !== undefined);
      assertSchedulesAllowed('task.update', { ...task.definition, ...changes });
      if (changes.schedules) assertSchedulesCanFire('task.update', changes.schedules, command.data.nowMs, task.definition.schedules);
      if (Object.keys(changes).length === 0 && removed.length === 0) return [];
      return [{ type: 'TaskUpdated', data: { taskId, changes, ...(removed.length > 0 ? { removed } : {}) } }];
    }
    case 'PauseTask': {
      const task = requireLive(state, taskId);
      const { note, afterFailureOf, untilMs, nowMs } = command.data;
      if (untilMs !== undefined && untilMs <= nowMs) {
        throw new SchedError(ErrorCode.VALIDATION, `task.pause: until: ${isoTime(untilMs)} has passed (now ${isoTime(nowMs)}): a pause must end in the future`, {
          issues: [{ path: 'until', message: 'must lie in the future' }],
        });
      }
      const paused = isPausedAt(task, nowMs);
      if (afterFailureOf !== undefined && (paused || task.triggeredExecutionIds.has(pausedAfterKey(afterFailureOf)))) return [];
      // The same pause again is no change; a new end (or none) or a new note for a pause is recorded, as is a pause
      // after one lapsed. A re-pause without a note keeps the note there is rather than recording its removal.
      if (paused && task.pausedUntilMs === untilMs && (note === undefined || note === task.pauseNote)) return [];
      const data = { taskId, ...(note ? { note } : {}), ...(afterFailureOf === undefined ? {} : { afterFailureOf }), ...(untilMs === undefined ? {} : { until: isoTime(untilMs) }) };
      return [{ type: 'TaskPaused', data }];
    }
    case 'ResumeTask': {
      const task = requireLive(state, taskId);
      return isPausedAt(task, command.data.nowMs) ? [{ type: 'TaskResumed', data: { taskId } }] : [];
    }
    case 'DeleteTask':
      if (state.status === 'deleted' && command.data.cancelPending) return [];
      requireLive(state, taskId);
      return [{ type: 'TaskDeleted', data: { taskId, ...(command.data.reason ? { reason: command.data.reason } : {}) } }];
    case 'TriggerTask': {
      const task = requireLive(state, taskId);
      const { executionId, config } = command.data;
      // A retried trigger (same command id, hence same execution id) must not fire twice.
      if (task.triggeredExecutionIds.has(executionId)) return [];
      assertEnabled(task, 'triggering it');
      return [{ type: 'TaskTriggered', data: { taskId, executionId, ...(config === undefined ? {} : { config: { ...config } }) } }];
    }
    case 'BackfillTask': {
      const task = requireLive(state, taskId);
      assertEnabled(task, 'backfilling it');
      return decideBackfill(task, command.data);
    }
    case 'DisableTask':
      return decideDisable(requireLive(state, taskId), command.data.reason);
    case 'EnableTask':
      return decideEnable(requireLive(state, taskId));
    default:
      return assertNever(command);
  }
}

export const taskDecider: Decider<TaskState, TaskCommand, TaskEvent> = {
  decide: decideTask,
  evolve: evolveTask,
  initialState: initialTaskState,
  snapshots: taskStateCodec,
};
