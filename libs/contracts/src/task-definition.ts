import { z } from 'zod';
import { scheduleSpecSchema } from './schedules';
import { executionPolicyFields } from './execution-policy';
import { misfireSchema } from './misfire-policy';

export const MAX_SCHEDULES_PER_TASK = 16;
export const TASK_NAME_MAX = 200;

export const executorTypeSchema = z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, {
  message: 'executor must be a lowercase executor type name such as "noop" or "sleep"',
});
export const tagSchema = z.string().min(1).max(64);
export const taskConfigSchema = z.record(z.string(), z.unknown());

/** A task's definition as stored in TaskCreated (and patched by TaskUpdated). */
export const taskDefinitionSchema = z.object({
  name: z.string().min(1).max(TASK_NAME_MAX),
  description: z.string().max(4000),
  executor: executorTypeSchema,
  config: taskConfigSchema,
  schedules: z.array(scheduleSpecSchema).max(MAX_SCHEDULES_PER_TASK),
  tags: z.array(tagSchema).max(32),
  /** Retry policy, timeouts and per-task concurrency limit of its executions (copied into each TaskDue). */
  ...executionPolicyFields,
  /** Catch-up after missed occurrences (absent: DEFAULT_MISFIRE). */
  misfire: misfireSchema.optional(),
});
export type TaskDefinition = z.infer<typeof taskDefinitionSchema>;

export const taskDefinitionChangesSchema = taskDefinitionSchema.partial();

/**
 * The optional parts of a definition an update may take away (`"notify": null`), leaving the task as if it had never
 * set them: no notices, no timeouts, no concurrency limit or overlap policy, the default misfire handling. (The
 * others always have a value: `retry` is "never retried" with maxAttempts 1, `description` "", `schedules` [].)
 */
export const REMOVABLE_TASK_FIELDS = ['timeouts', 'maxConcurrent', 'overlap', 'notify', 'misfire'] as const;
export type RemovableTaskField = (typeof REMOVABLE_TASK_FIELDS)[number];
export const removableTaskFieldSchema = z.enum(REMOVABLE_TASK_FIELDS);

/** A definition after a TaskUpdated: its changes laid over it, then the fields it removed taken away. */
export function applyTaskChanges(
  definition: TaskDefinition,
  changes: TaskDefinitionChanges,
  removed: readonly RemovableTaskField[] = [],
): TaskDefinition {
  const next: Record<string, unknown> = { ...definition, ...changes };
  for (const field of removed) delete next[field];
  return next as TaskDefinition;
}
export type TaskDefinitionChanges = z.infer<typeof taskDefinitionChangesSchema>;
