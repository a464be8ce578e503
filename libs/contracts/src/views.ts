import type { ExecutionError, DueReason } from './events/execution-events';
import type { ExecutionStatus, TaskStateName } from './queries';
import type { ScheduleSpec } from './schedules';

/** Read model of a task, as `sched.query.task.get|list` return it. */
export interface TaskView {
  readonly taskId: string;
  readonly name: string;
  readonly description: string;
  readonly executor: string;
  readonly config: Record<string, unknown>;
  readonly schedules: readonly ScheduleSpec[];
  readonly tags: readonly string[];
  readonly state: TaskStateName;
  readonly pauseNote?: string;
  readonly revision: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly nextFireAt?: string;
  readonly lastExecution?: {
    readonly executionId: string;
    readonly status: ExecutionStatus;
    readonly scheduledAt: string;
    readonly endedAt?: string;
  };
  readonly counts: { readonly total: number; readonly succeeded: number; readonly failed: number; readonly running: number };
}

/** Read model of one execution (the seed's execution record). */
export interface ExecutionView {
  readonly executionId: string;
  readonly taskId: string;
  readonly status: ExecutionStatus;
  readonly reason: DueReason;
  readonly executor: string;
  readonly scheduledAt: string;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly durationMs?: number;
  readonly attempt: number;
  readonly workerId?: string;
  readonly progress?: { readonly percent: number; readonly message?: string };
  readonly result?: unknown;
  readonly error?: ExecutionError;
  readonly updatedAt: string;
  /** Global position of the last event applied to this row. */
  readonly position: number;
}

/** One event of `sched.query.history`: the event with where it sits in its stream and in the global log. */
export interface HistoryEntry {
  readonly streamId: string;
  readonly revision: number;
  readonly position: number;
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Record<string, unknown>;
}
