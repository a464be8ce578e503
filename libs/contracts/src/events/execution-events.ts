import { z } from 'zod';
import { executionPolicyFields } from '../execution-policy';
import { lateFireFields, skippedRangeFields } from '../misfire-policy';
import { itemProgressFields } from '../progress-items';
import {
  EXECUTION_CONTROL_EVENT_SCHEMAS,
  type ExecutionPauseRequested,
  type ExecutionPaused,
  type ExecutionResumed,
} from './execution-control-events';

const instant = z.iso.datetime({ offset: true });
const attempt = z.number().int().positive();

export const executionErrorSchema = z.object({
  /** A stable name for the kind of failure (e.g. `Timeout`, `WorkerLost`, `HttpError`, or the thrown error's name). */
  type: z.string().min(1),
  message: z.string(),
  retryable: z.boolean(),
});
export type ExecutionError = z.infer<typeof executionErrorSchema>;

/** `notification`: the notice of another execution's failure (its task's `notify`), run as an execution of its own. */
export const dueReasonSchema = z.enum(['schedule', 'trigger', 'backfill', 'notification']);
export type DueReason = z.infer<typeof dueReasonSchema>;

/** Always the first event of an execution stream. Carries the task's executor and config as of the due time. */
export const taskDueSchema = z.object({
  taskId: z.string(),
  executionId: z.string(),
  executor: z.string(),
  config: z.record(z.string(), z.unknown()),
  scheduledAt: instant,
  reason: dueReasonSchema,
  /** Revision of the task stream the definition was taken from. */
  taskRevision: z.number().int().nonnegative(),
  /** The task's retry policy, timeouts and concurrency limit as of the due time (absent: one attempt, no limits). */
  ...executionPolicyFields,
  ...lateFireFields,
  /** The execution is a step of a workflow run (its id is `<runId>:<stepId>`). */
  workflowStep: z.object({ runId: z.string(), stepId: z.string() }).optional(),
  /** A workflow run that resumes an earlier run (sched.cmd.workflow.resume): its succeeded steps are reused. */
  resumeOf: z.string().optional(),
  /**
   * Recorded ahead of the instant it fires at (the timer's fire-ahead window, TIMER_FIRE_AHEAD_MS): no attempt
   * starts before this. Absent: the execution may start as soon as it is recorded.
   */
  notBefore: instant.optional(),
});

/** Lines an executor logged during an attempt, kept (bounded) on the event that ends the attempt. */
export const MAX_LOG_LINES_PER_ATTEMPT = 100;
export const MAX_LOG_LINE_LENGTH = 1000;
export const executionLogLineSchema = z.object({
  at: instant,
  level: z.enum(['info', 'warn', 'error']),
  message: z.string().max(MAX_LOG_LINE_LENGTH),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type ExecutionLogLine = z.infer<typeof executionLogLineSchema>;
const logs = z.array(executionLogLineSchema).max(MAX_LOG_LINES_PER_ATTEMPT + 1).optional();
export const taskStartedSchema = z.object({ attempt, workerId: z.string(), startedAt: instant });
export const taskProgressedSchema = z.object({
  attempt,
  percent: z.number().min(0).max(100),
  message: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
  ...itemProgressFields,
});
export const taskSucceededSchema = z.object({
  attempt,
  result: z.unknown().optional(),
  durationMs: z.number().nonnegative(),
  endedAt: instant,
  logs,
});
export const taskFailedSchema = z.object({
  attempt,
  error: executionErrorSchema,
  durationMs: z.number().nonnegative(),
  endedAt: instant,
  /** True when no further attempt will be made. */
  final: z.boolean(),
  logs,
});
export const taskRetriedSchema = z.object({ attempt, retryAt: instant });
export const taskTimedOutSchema = z.object({
  attempt,
  timeout: z.enum(['startToClose', 'scheduleToClose', 'heartbeat']),
  timeoutMs: z.number().nonnegative(),
});
export const taskCancelRequestedSchema = z.object({
  reason: z.string().optional(),
  /** The cancel command's id, so a retried command is recognised (idempotent). */
  commandId: z.string().optional(),
});
export const taskCancelledSchema = z.object({ attempt: attempt.optional(), reason: z.string().optional(), logs });
export const taskSkippedSchema = z.object({ reason: z.string().min(1), ...skippedRangeFields });

type Ev<T extends string, S extends z.ZodType> = { type: T; data: z.infer<S> };
export type TaskDue = Ev<'TaskDue', typeof taskDueSchema>;
export type TaskStarted = Ev<'TaskStarted', typeof taskStartedSchema>;
export type TaskProgressed = Ev<'TaskProgressed', typeof taskProgressedSchema>;
export type TaskSucceeded = Ev<'TaskSucceeded', typeof taskSucceededSchema>;
export type TaskFailed = Ev<'TaskFailed', typeof taskFailedSchema>;
export type TaskRetried = Ev<'TaskRetried', typeof taskRetriedSchema>;
export type TaskTimedOut = Ev<'TaskTimedOut', typeof taskTimedOutSchema>;
export type TaskCancelRequested = Ev<'TaskCancelRequested', typeof taskCancelRequestedSchema>;
export type TaskCancelled = Ev<'TaskCancelled', typeof taskCancelledSchema>;
export type TaskSkipped = Ev<'TaskSkipped', typeof taskSkippedSchema>;

export type ExecutionEvent =
  | TaskDue
  | TaskStarted
  | TaskProgressed
  | TaskSucceeded
  | TaskFailed
  | TaskRetried
  | TaskTimedOut
  | TaskCancelRequested
  | TaskCancelled
  | TaskSkipped
  | ExecutionPauseRequested
  | ExecutionPaused
  | ExecutionResumed;
export type ExecutionEventType = ExecutionEvent['type'];

export const EXECUTION_EVENT_SCHEMAS = {
  TaskDue: taskDueSchema,
  TaskStarted: taskStartedSchema,
  TaskProgressed: taskProgressedSchema,
  TaskSucceeded: taskSucceededSchema,
  TaskFailed: taskFailedSchema,
  TaskRetried: taskRetriedSchema,
  TaskTimedOut: taskTimedOutSchema,
  TaskCancelRequested: taskCancelRequestedSchema,
  TaskCancelled: taskCancelledSchema,
  TaskSkipped: taskSkippedSchema,
  ...EXECUTION_CONTROL_EVENT_SCHEMAS,
} as const satisfies Record<ExecutionEventType, z.ZodType>;
