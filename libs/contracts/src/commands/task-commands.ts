import { z } from 'zod';
import { isoInstantSchema } from '../iso-instant';
import { ID_PATTERN, ID_RULE, MADE_ID_PATTERN, MADE_ID_RULE } from '../streams';
import { scheduleInputSchema } from '../schedules';
import {
  MAX_SCHEDULES_PER_TASK,
  TASK_NAME_MAX,
  executorTypeSchema,
  tagSchema,
  taskConfigSchema,
} from '../task-definition';
import { executionPolicyInputFields } from '../execution-policy';
import { misfireInputSchema } from '../misfire-policy';
import { MAX_TASK_CONFIG_BYTES, jsonBytes } from '../limits';
import { endsAfter } from '../iso-time';
import { MAX_ATTEMPTS } from '../execution-policy';
import { durationInput } from '../schedules';

export const idSchema = z.string().regex(ID_PATTERN, { message: `must be ${ID_RULE}` });
/** An execution, run or pseudo task id, which sched may have made longer than an id a user gives (MADE_ID_PATTERN). */
export const madeIdSchema = z.string().regex(MADE_ID_PATTERN, { message: `must be ${MADE_ID_RULE}` });

/**
 * An id a user gives a task, or a trigger's execution (its commandId): ':' and '@' are kept for the ids sched makes
 * from it, `<taskId>@<instant>` (a scheduled occurrence), `<runId>:<step>` (a workflow step), `<executionId>:notify`
 * (a failure notice), so a given id can never be, or take, one of those.
 */
export const unreservedId = (what: string) =>
  z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, {
    message: `${what} must be 1-128 characters of A-Z a-z 0-9 _ - (":" and "@" separate the ids sched makes from it: <taskId>@<instant>, <runId>:<step>, <executionId>:notify)`,
  });

/**
 * Fields every command may carry. `commandId` makes a retried command idempotent (a trigger with the same
 * commandId fires once); `correlationId` ties the resulting events to the caller's own flow.
 */
export const commandBase = {
  commandId: idSchema.optional(),
  correlationId: z.string().min(1).max(200).optional(),
};

const definitionFields = {
  // A name is a line in every list, table and log: no line breaks, tabs or other control characters. Unicode NFC, so
  // "café" typed on a system that composes accents and on one that does not (NFD) is one name, not two tasks.
  // eslint-disable-next-line no-control-regex
  name: z.string().trim().normalize('NFC').min(1).max(TASK_NAME_MAX).regex(/^[^\u0000-\u001f\u007f]*$/, { message: 'name cannot hold control characters (line breaks, tabs, NUL)' }),
  description: z.string().max(4000),
  executor: executorTypeSchema,
  // Checked on commands only: events already stored stay readable whatever the limit becomes.
  config: taskConfigSchema.refine((config) => jsonBytes(config) <= MAX_TASK_CONFIG_BYTES, {
    message: `config must be at most ${MAX_TASK_CONFIG_BYTES} bytes as JSON (MAX_TASK_CONFIG_BYTES)`,
  }),
  schedules: z.array(scheduleInputSchema).max(MAX_SCHEDULES_PER_TASK, {
    message: `at most ${MAX_SCHEDULES_PER_TASK} schedules per task (MAX_SCHEDULES_PER_TASK)`,
  }),
  // A task has a tag or not: repeats are folded and blanks around a tag dropped, so `--tag a --tag a` or " a" do
  // not store a tag list that `task get` shows twice or a filter on "a" misses.
  tags: z
    .array(z.string().trim().pipe(tagSchema))
    .max(32)
    .transform((tags) => [...new Set(tags)]),
};

/**
 * The seed's retry fields, mapped onto the retry policy by the gateway (fixed backoff; defaults 3 and 60 s, see
 * task-switch-commands.ts). An explicit `retry` wins over them.
 */
const seedRetryFields = {
  maxRetries: z.number().int().min(0).max(MAX_ATTEMPTS - 1).optional(),
  retryInterval: durationInput('retryInterval').optional(),
};

export const createTaskPayloadSchema = z
  .object({
    ...commandBase,
    taskId: unreservedId('a task id').optional(),
    name: definitionFields.name,
    description: definitionFields.description.default(''),
    executor: definitionFields.executor,
    config: definitionFields.config.default({}),
    schedules: definitionFields.schedules.default([]),
    tags: definitionFields.tags.default([]),
    retry: executionPolicyInputFields.retry.optional(),
    timeouts: executionPolicyInputFields.timeouts.optional(),
    maxConcurrent: executionPolicyInputFields.maxConcurrent.optional(),
    overlap: executionPolicyInputFields.overlap.optional(),
    notify: executionPolicyInputFields.notify.optional(),
    pauseOnFailure: executionPolicyInputFields.pauseOnFailure.optional(),
    misfire: misfireInputSchema.optional(),
    ...seedRetryFields,
    /** false: created disabled (TaskCreated + TaskDisabled in one commit). */
    enabled: z.boolean().default(true),
  })
  .strict();
export type CreateTaskPayload = z.output<typeof createTaskPayloadSchema>;

const UPDATABLE_FIELDS = [
  'name', 'description', 'executor', 'config', 'schedules', 'tags', 'retry', 'timeouts', 'maxConcurrent', 'overlap', 'notify', 'pauseOnFailure', 'misfire',
  'maxRetries', 'retryInterval',
] as const;

export const updateTaskPayloadSchema = z
  .object({
    ...commandBase,
    taskId: idSchema,
    name: definitionFields.name.optional(),
    description: definitionFields.description.optional(),
    executor: definitionFields.executor.optional(),
    config: definitionFields.config.optional(),
    schedules: definitionFields.schedules.optional(),
    tags: definitionFields.tags.optional(),
    retry: executionPolicyInputFields.retry.optional(),
    // null takes the field away (REMOVABLE_TASK_FIELDS), as a JSON Merge Patch removes a key.
    timeouts: executionPolicyInputFields.timeouts.nullable().optional(),
    maxConcurrent: executionPolicyInputFields.maxConcurrent.nullable().optional(),
    overlap: executionPolicyInputFields.overlap.nullable().optional(),
    notify: executionPolicyInputFields.notify.nullable().optional(),
    pauseOnFailure: executionPolicyInputFields.pauseOnFailure.optional(),
    misfire: misfireInputSchema.nullable().optional(),
    ...seedRetryFields,
  })
  .strict()
  .refine((payload) => UPDATABLE_FIELDS.some((key) => key in payload), {
    message: `update needs at least one of ${UPDATABLE_FIELDS.join(', ')}`,
  });
export type UpdateTaskPayload = z.output<typeof updateTaskPayloadSchema>;

/** `until`: the pause lapses at this instant by itself (a snooze); it must lie in the future. */
export const pauseTaskPayloadSchema = z
  .object({ ...commandBase, taskId: idSchema, note: z.string().max(1000).optional(), until: isoInstantSchema.optional() })
  .strict();
export const resumeTaskPayloadSchema = z.object({ ...commandBase, taskId: idSchema }).strict();
/**
 * `cancelPending`: once the delete is recorded, also cancel the task's executions not over yet (due, waiting for a
 * retry or a slot, running, paused); without it they go on, as a delete only stops the schedule.
 */
export const deleteTaskPayloadSchema = z
  .object({ ...commandBase, taskId: idSchema, reason: z.string().max(1000).optional(), cancelPending: z.boolean().optional() })
  .strict();
/**
 * `configPatch`: this run's executor config is the task's with this JSON Merge Patch applied (RFC 7396: keys replace,
 * objects merge, null removes), validated as the task's config is; the task itself does not change.
 */
/** The trigger's commandId is its execution's id: held to a task id's rule (unreservedId). */
export const triggerTaskPayloadSchema = z
  .object({ ...commandBase, commandId: unreservedId("a trigger's commandId (its execution id)").optional(), taskId: idSchema, configPatch: z.record(z.string(), z.unknown(), { error: 'configPatch must be a JSON object (a merge patch of the config)' }).optional() })
  .strict();

export type PauseTaskPayload = z.output<typeof pauseTaskPayloadSchema>;
export type ResumeTaskPayload = z.output<typeof resumeTaskPayloadSchema>;
export type DeleteTaskPayload = z.output<typeof deleteTaskPayloadSchema>;
export type TriggerTaskPayload = z.output<typeof triggerTaskPayloadSchema>;

/** What a successful task command replies. */
export interface TaskCommandResult {
  readonly taskId: string;
  /** Revision of the task stream after the command (unchanged when the command changed nothing). */
  readonly revision: number;
  /** Global position of the last event appended, so a reader can wait until its read model has caught up. */
  readonly position?: number;
  readonly events: readonly string[];
}

export interface DeleteTaskResult extends TaskCommandResult {
  /** With `cancelPending`: the executions a cancel changed (those that ended meanwhile are left out). */
  readonly cancelled?: readonly string[];
}

export interface TriggerTaskResult extends TaskCommandResult {
  readonly executionId: string;
}

/** Most occurrences one backfill may fire: a bigger range must be split. */
export const MAX_BACKFILL_OCCURRENCES = 10_000;

export const backfillTaskPayloadSchema = z
  .object({
    ...commandBase,
    taskId: idSchema,
    // (from, to], as Temporal's schedule backfill takes its range.
    from: isoInstantSchema.describe('exclusive: the occurrences after this instant'),
    to: isoInstantSchema.describe('inclusive, and not in the future'),
  })
  .strict()
  .refine((payload) => endsAfter(payload.from, payload.to), { message: 'from must be before to', path: ['to'] });
export type BackfillTaskPayload = z.output<typeof backfillTaskPayloadSchema>;

export interface BackfillTaskResult extends TaskCommandResult {
  readonly backfillId: string;
  /** How many occurrences fall in the range (those that already fired are not fired again). */
  readonly occurrences: number;
}
