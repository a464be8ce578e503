import { z } from 'zod';

/**
 * Enabled/disabled is a switch of its own, apart from paused/active: a disabled task is off the timer entirely (no
 * fire is due, none is recorded, triggers and backfills are refused); a paused task keeps its schedule and each of its
 * fires is recorded as skipped (TaskDue + TaskSkipped{reason:'paused'}) until it is resumed.
 */
export const taskDisabledSchema = z.object({ taskId: z.string(), reason: z.string().optional() });
export const taskEnabledSchema = z.object({ taskId: z.string() });

export type TaskDisabled = { type: 'TaskDisabled'; data: z.infer<typeof taskDisabledSchema> };
export type TaskEnabled = { type: 'TaskEnabled'; data: z.infer<typeof taskEnabledSchema> };

export const TASK_ENABLEMENT_EVENT_SCHEMAS = {
  TaskDisabled: taskDisabledSchema,
  TaskEnabled: taskEnabledSchema,
} as const;
