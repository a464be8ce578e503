import { z } from 'zod';
import { idSchema } from './commands/task-commands';

const page = {
  limit: z.number().int().min(1).max(500).default(50),
  /** Opaque cursor from the previous page's `nextCursor`. */
  cursor: z.string().max(200).optional(),
  /** Wait (up to 5 s) until the read model has applied this global position: read-your-writes after a command. */
  minPosition: z.number().int().nonnegative().optional(),
};

export const taskStates = ['active', 'paused', 'deleted'] as const;
export type TaskStateName = (typeof taskStates)[number];
export const executionStatuses = ['due', 'running', 'succeeded', 'failed', 'cancelled', 'skipped'] as const;
export type ExecutionStatus = (typeof executionStatuses)[number];

export const getTaskQuerySchema = z
  .object({ taskId: idSchema, minPosition: page.minPosition })
  .strict();
export const listTasksQuerySchema = z
  .object({ ...page, state: z.enum(taskStates).optional(), executor: z.string().optional(), tag: z.string().optional() })
  .strict();
export const getExecutionQuerySchema = z
  .object({ executionId: idSchema, minPosition: page.minPosition })
  .strict();
export const listExecutionsQuerySchema = z
  .object({
    ...page,
    taskId: idSchema.optional(),
    status: z.enum(executionStatuses).optional(),
    /** Scheduled at or after this instant. */
    from: z.iso.datetime({ offset: true }).optional(),
    /** Scheduled before this instant. */
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
export const historyQuerySchema = z
  .object({ taskId: idSchema.optional(), executionId: idSchema.optional() })
  .strict()
  .refine((q) => Boolean(q.taskId) !== Boolean(q.executionId), { message: 'give exactly one of taskId, executionId' });

export type GetTaskQuery = z.output<typeof getTaskQuerySchema>;
export type ListTasksQuery = z.output<typeof listTasksQuerySchema>;
export type GetExecutionQuery = z.output<typeof getExecutionQuerySchema>;
export type ListExecutionsQuery = z.output<typeof listExecutionsQuerySchema>;
export type HistoryQuery = z.output<typeof historyQuerySchema>;

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}
