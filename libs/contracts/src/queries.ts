import { z } from 'zod';
import { isoInstantSchema } from './iso-instant';
import { commandBase, idSchema, madeIdSchema } from './commands/task-commands';
import { eventTypesSchema } from './events/event-type-filter';
import { TASK_NAME_EVENT_SCHEMAS } from './events/task-name-events';
import { scheduleStatuses } from './schedule-status';
import { endsAfter } from './iso-time';

const page = {
  limit: z.number().int().min(1).max(500).default(50),
  /** Opaque cursor from the previous page's `nextCursor`. */
  cursor: z.string().max(200).optional(),
  /** Wait (up to 5 s) until the read model has applied this global position: read-your-writes after a command. */
  minPosition: z.number().int().nonnegative().optional(),
};

export const taskStates = ['active', 'paused', 'deleted'] as const;
export type TaskStateName = (typeof taskStates)[number];
/** `paused`: a running execution whose code waits at a checkpoint (sched.cmd.execution.pause). */
export const executionStatuses = ['due', 'running', 'succeeded', 'failed', 'cancelled', 'skipped', 'paused'] as const;
export type ExecutionStatus = (typeof executionStatuses)[number];

export const getTaskQuerySchema = z
  .object({ taskId: idSchema, minPosition: page.minPosition })
  .strict();
export const listTasksQuerySchema = z
  .object({
    ...page,
    state: z.enum(taskStates).optional(),
    executor: z.string().optional(),
    /** Tasks that have this tag, or (a list) every one of these tags. */
    tag: z
      .union([z.string().trim().min(1), z.array(z.string().trim().min(1)).min(1).max(32)])
      .transform((tags) => (Array.isArray(tags) ? tags : [tags]))
      .optional(),
    /** The task of this exact name (names are unique among tasks not deleted), trimmed and NFC as a created name is. */
    name: z.string().trim().normalize('NFC').min(1).optional(),
    /** Tasks whose name, id or description holds this text, ignoring case (NFC, as names are stored). */
    search: z.string().trim().normalize('NFC').min(1).max(200).optional(),
    /**
     * Tasks whose schedule status (computed at query time: `failed`, `overdue`, …) is this one, or one of these.
     * Read by walking the tasks in order, so a page of a rare status may read many tasks to fill.
     */
    status: z
      .union([z.enum(scheduleStatuses), z.array(z.enum(scheduleStatuses)).min(1)], {
        error: `status must be one of ${scheduleStatuses.join(', ')}, or a list of them`,
      })
      .transform((statuses) => (Array.isArray(statuses) ? statuses : [statuses]))
      .optional(),
  })
  .strict();
export const getExecutionQuerySchema = z
  .object({ executionId: madeIdSchema, minPosition: page.minPosition })
  .strict();
export const listExecutionsQuerySchema = z
  .object({
    ...page,
    taskId: madeIdSchema.optional(),
    status: z.enum(executionStatuses).optional(),
    /** Scheduled at or after this instant. */
    from: isoInstantSchema.optional(),
    /** Scheduled before this instant. */
    to: isoInstantSchema.optional(),
  })
  .strict()
  // An empty range is a mistake (from and to swapped), said so rather than answered with nothing.
  .refine((query) => query.from === undefined || query.to === undefined || endsAfter(query.from, query.to), {
    message: 'to must be after from',
    path: ['to'],
  });
/**
 * One page of history: the events of a task (its stream and every execution of it), of one execution, or (neither
 * given) of the whole log. Forward (the default): in commit order, strictly after `afterPosition` (the previous
 * page's `nextCursor`). Backward: the latest first, strictly before `beforePosition` (the previous page's
 * `nextCursor`; absent: from the head), as KurrentDB reads a stream backwards: what a screen of recent activity needs.
 */
export const historyQuerySchema = z
  .object({
    taskId: madeIdSchema.optional(),
    executionId: madeIdSchema.optional(),
    direction: z.enum(['forward', 'backward']).default('forward'),
    afterPosition: z.number().int().nonnegative().optional(),
    beforePosition: z.number().int().positive().optional(),
    /** Most events in the page; the server may return fewer to stay under the NATS max payload. */
    limit: z.number().int().min(1).max(5000).default(500),
    types: eventTypesSchema.optional(),
  })
  .strict()
  .refine((q) => !(q.taskId && q.executionId), { message: 'give at most one of taskId, executionId' })
  // A cursor of the other direction would be silently ignored: a page from the wrong end of the history.
  .refine((q) => q.direction === 'forward' || q.afterPosition === undefined, {
    message: 'afterPosition pages forward: give beforePosition with direction backward',
    path: ['afterPosition'],
  })
  .refine((q) => q.direction === 'backward' || q.beforePosition === undefined, {
    message: 'beforePosition pages backward: give it with direction "backward"',
    path: ['beforePosition'],
  });

/** What a live feed follows (the client SDK's `subscribe`; the HTTP event stream takes the same but `lastEventId`). */
export const subscribeOptionsSchema = z
  .object({
    taskId: madeIdSchema.optional(),
    types: eventTypesSchema
      .refine((types) => !types.some((type) => type in TASK_NAME_EVENT_SCHEMAS), {
        error: (issue) =>
          `${(issue.input as string[]).find((type) => type in TASK_NAME_EVENT_SCHEMAS)} is recorded on a name's reservation stream, which is not published live: read it with history`,
      })
      .optional(),
    /** Replay the history after this global position first, then go live. */
    fromPosition: z.number().int().nonnegative().optional(),
  })
  .strict();

/** State as of an instant: of a task (its own stream) or of one execution. */
export const asOfQuerySchema = z
  .object({ taskId: madeIdSchema.optional(), executionId: madeIdSchema.optional(), at: isoInstantSchema })
  .strict()
  .refine((q) => Boolean(q.taskId) !== Boolean(q.executionId), { message: 'give exactly one of taskId, executionId' });

/** With a taskId: that task's stats (TaskStatsView); without: every task together (OverallStatsView). */
export const statsQuerySchema = z
  .object({ taskId: madeIdSchema.optional(), minPosition: page.minPosition })
  .strict();

/**
 * A task's audit answers a page at a time: the streams it verified within its time, in the order they start in the
 * log, and `nextCursor` (where the last one starts) to go on with as `afterPosition`. An execution is one stream.
 */
export const auditVerifyQuerySchema = z
  .object({ taskId: madeIdSchema.optional(), executionId: madeIdSchema.optional(), afterPosition: z.number().int().nonnegative().optional() })
  .strict()
  .refine((q) => Boolean(q.taskId) !== Boolean(q.executionId), { message: 'give exactly one of taskId, executionId' })
  .refine((q) => q.taskId !== undefined || q.afterPosition === undefined, {
    message: "afterPosition pages a task's audit: an execution's is one stream",
    path: ['afterPosition'],
  });

/** Takes only what every command takes (its commandId makes a retried rebuild answer once, as any command). */
export const rebuildCommandSchema = z.object({ ...commandBase }).strict();

export type GetTaskQuery = z.output<typeof getTaskQuerySchema>;
export type ListTasksQuery = z.output<typeof listTasksQuerySchema>;
export type GetExecutionQuery = z.output<typeof getExecutionQuerySchema>;
export type ListExecutionsQuery = z.output<typeof listExecutionsQuerySchema>;
export type HistoryQuery = z.output<typeof historyQuerySchema>;
export type HistoryQueryInput = z.input<typeof historyQuerySchema>;
export type AsOfQuery = z.output<typeof asOfQuerySchema>;
export type StatsQuery = z.output<typeof statsQuerySchema>;
export type AuditVerifyQuery = z.output<typeof auditVerifyQuerySchema>;

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}

/** `sched.query.executor.list`: takes no fields. */
export const listExecutorsQuerySchema = z.object({}).strict();

/** One executor type a task's `executor` may name. */
export interface ExecutorTypeView {
  readonly type: string;
  readonly description: string;
}
