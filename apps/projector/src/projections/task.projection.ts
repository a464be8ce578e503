import {
  TASK_EVENT_SCHEMAS,
  applyTaskChanges,
  type ExecutionStatus,
  type RecordedEvent,
  type TaskDefinition,
  type TaskEvent,
  type TaskStateName,
} from '@sched/contracts';
import { assertNever, evolveScheduleSetting, type ScheduleSetInstants } from '@sched/domain';
import { occurredMs, type Projection, type Recorded } from './projection';

export interface TaskCounts {
  readonly total: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly running: number;
}

export interface LastExecution {
  readonly executionId: string;
  readonly status: ExecutionStatus;
  readonly scheduledAt: number;
  readonly endedAt?: number;
  /** Due again for a retry at this instant (a failed attempt waiting out its backoff). */
  readonly retryAt?: number;
}

/** One row of the `tasks` read model. Times are epoch ms; `nextFireAt` is not stored (computed at query time). */
export interface TaskRow {
  readonly taskId: string;
  readonly definition: TaskDefinition;
  readonly state: TaskStateName;
  readonly pauseNote?: string;
  /** A pause's end (TaskPaused.until): from it the task is active again, with no event (see effectiveTaskRow). */
  readonly pausedUntil?: number;
  /** TaskDisabled without a TaskEnabled since (absent: enabled). */
  readonly disabled?: boolean;
  readonly disableReason?: string;
  /** When it last became active or enabled again (absent: since createdAt): occurrences before do not count as late. */
  readonly activeSince?: number;
  /** When the schedules were set (created, or updated: per schedule once an update kept some): maxFires counts from here. */
  readonly schedulesSetAt: ScheduleSetInstants;
  /** Created disabled, never enabled since: its schedules are set when it is first enabled (evolveScheduleSetting). */
  readonly schedulesSetOnEnable?: boolean;
  /** Revision of the task stream: what a command's expected version refers to. */
  readonly revision: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly lastExecution?: LastExecution;
  readonly counts: TaskCounts;
  readonly position: number;
}

export const ZERO_COUNTS: TaskCounts = { total: 0, succeeded: 0, failed: 0, running: 0 };

export const TASK_EVENT_TYPES = Object.keys(TASK_EVENT_SCHEMAS) as readonly TaskEvent['type'][];

/** The task's own stream: definition and lifecycle state. Execution outcomes come in via taskExecutionsProjection. */
export const taskProjection: Projection<TaskRow> = {
  name: 'tasks',
  handles: TASK_EVENT_TYPES,
  evolve(row: TaskRow | null, event: RecordedEvent): TaskRow | null {
    const e = event as Recorded<TaskEvent>;
    const at = occurredMs(e);
    if (e.type === 'TaskCreated') {
      if (row) return row; // a task id is created once; a second TaskCreated cannot reset its counts
      const { taskId, definition } = e.data;
      const base = { taskId, definition, state: 'active' as const, schedulesSetAt: at, revision: e.revision };
      return { ...base, createdAt: at, updatedAt: at, counts: ZERO_COUNTS, position: e.position };
    }
    if (!row) return null;
    const setting = evolveScheduleSetting({ set: row.schedulesSetAt, onEnable: row.schedulesSetOnEnable }, row.definition.schedules, e, at)!;
    const next = { ...row, revision: e.revision, updatedAt: at, position: e.position, schedulesSetAt: setting.set, schedulesSetOnEnable: setting.onEnable };
    switch (e.type) {
      case 'TaskUpdated':
        return { ...next, definition: applyTaskChanges(row.definition, e.data.changes, e.data.removed) };
      case 'TaskPaused':
        return { ...next, state: 'paused', pauseNote: e.data.note, pausedUntil: e.data.until === undefined ? undefined : Date.parse(e.data.until) };
      case 'TaskResumed':
        return { ...next, state: 'active', pauseNote: undefined, pausedUntil: undefined, activeSince: at };
      case 'TaskDisabled':
        return { ...next, disabled: true, disableReason: e.data.reason };
      case 'TaskEnabled':
        return { ...next, disabled: undefined, disableReason: undefined, activeSince: at };
      case 'TaskDeleted':
        // Kept as a row so `state: deleted` can be listed and an execution still running can finish its counts.
        return { ...next, state: 'deleted' };
      case 'TaskTriggered':
      case 'BackfillRequested':
        return next; // the executions themselves show up with their TaskDue
      default:
        return assertNever(e);
    }
  },
};
