import { z } from 'zod';

/**
 * Task names are unique. The event store has no multi-stream transaction, so each name has a reservation stream of
 * its own (`taskname-<sha256 of the name>`): a create or rename claims the name there (appended with the expected
 * version, so of two racing claims one fails) BEFORE it writes the task stream, and releases it if that write fails;
 * a delete or rename releases it after. See apps/gateway/src/names/task-name-registry.ts.
 */
export const taskNameClaimedSchema = z.object({ name: z.string().min(1), taskId: z.string() });
export const taskNameReleasedSchema = z.object({ name: z.string().min(1), taskId: z.string() });

export type TaskNameClaimed = { type: 'TaskNameClaimed'; data: z.infer<typeof taskNameClaimedSchema> };
export type TaskNameReleased = { type: 'TaskNameReleased'; data: z.infer<typeof taskNameReleasedSchema> };
export type TaskNameEvent = TaskNameClaimed | TaskNameReleased;

export const TASK_NAME_EVENT_SCHEMAS = {
  TaskNameClaimed: taskNameClaimedSchema,
  TaskNameReleased: taskNameReleasedSchema,
} as const;

/** `taskname-<sha256 hex of the name>`: names may hold any character, stream ids may not. */
export const TASK_NAME_STREAM_PREFIX = 'taskname-';

