import { z } from 'zod';
import { removableTaskFieldSchema, taskConfigSchema, taskDefinitionSchema, taskDefinitionChangesSchema } from '../task-definition';
import { TASK_ENABLEMENT_EVENT_SCHEMAS, type TaskDisabled, type TaskEnabled } from './task-enablement-events';

export const taskCreatedSchema = z.object({ taskId: z.string(), definition: taskDefinitionSchema });
/** `removed` (absent in events before 2026-12-07, where nothing could be removed): optional fields taken away. */
export const taskUpdatedSchema = z.object({ taskId: z.string(), changes: taskDefinitionChangesSchema, removed: z.array(removableTaskFieldSchema).min(1).optional() });
/**
 * `afterFailureOf`: paused by the task's pauseOnFailure, when this execution failed for good. `until`: the pause lapses
 * at this instant by itself (occurrences from it on fire; no event marks it); absent, it lasts until TaskResumed.
 */
export const taskPausedSchema = z.object({
  taskId: z.string(),
  note: z.string().optional(),
  afterFailureOf: z.string().optional(),
  until: z.iso.datetime().optional(),
});
export const taskResumedSchema = z.object({ taskId: z.string() });
export const taskDeletedSchema = z.object({ taskId: z.string(), reason: z.string().optional() });
/**
 * v2 adds `config`: the executor config this run uses (the task's with the trigger's configPatch applied, as it was
 * when the trigger was recorded). Without it (and in every v1 event) the run uses the task's config when it fires.
 */
export const taskTriggeredSchema = z.object({ taskId: z.string(), executionId: z.string(), config: taskConfigSchema.optional() });
/** Fire every occurrence of the task's schedules in (from, to] that has not fired yet. */
export const backfillRequestedSchema = z.object({
  taskId: z.string(),
  backfillId: z.string(),
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  occurrences: z.number().int().nonnegative(),
});

export type TaskCreated = { type: 'TaskCreated'; data: z.infer<typeof taskCreatedSchema> };
export type TaskUpdated = { type: 'TaskUpdated'; data: z.infer<typeof taskUpdatedSchema> };
export type TaskPaused = { type: 'TaskPaused'; data: z.infer<typeof taskPausedSchema> };
export type TaskResumed = { type: 'TaskResumed'; data: z.infer<typeof taskResumedSchema> };
export type TaskDeleted = { type: 'TaskDeleted'; data: z.infer<typeof taskDeletedSchema> };
export type TaskTriggered = { type: 'TaskTriggered'; data: z.infer<typeof taskTriggeredSchema> };
export type BackfillRequested = { type: 'BackfillRequested'; data: z.infer<typeof backfillRequestedSchema> };

export type TaskEvent =
  | TaskCreated
  | TaskUpdated
  | TaskPaused
  | TaskResumed
  | TaskDeleted
  | TaskTriggered
  | BackfillRequested
  | TaskDisabled
  | TaskEnabled;
export type TaskEventType = TaskEvent['type'];

export const TASK_EVENT_SCHEMAS = {
  TaskCreated: taskCreatedSchema,
  TaskUpdated: taskUpdatedSchema,
  TaskPaused: taskPausedSchema,
  TaskResumed: taskResumedSchema,
  TaskDeleted: taskDeletedSchema,
  TaskTriggered: taskTriggeredSchema,
  BackfillRequested: backfillRequestedSchema,
  ...TASK_ENABLEMENT_EVENT_SCHEMAS,
} as const satisfies Record<TaskEventType, z.ZodType>;
