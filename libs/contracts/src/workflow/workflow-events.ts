import { z } from 'zod';
import { executionErrorSchema } from '../events/execution-events';
import { executionTimeoutsSchema, retryPolicySchema } from '../execution-policy';
import { taskConfigSchema } from '../task-definition';
import { workflowDefinitionSchema } from './workflow-definition';

const instant = z.iso.datetime({ offset: true });

/** The run's first event: the definition it runs (a snapshot: later task updates do not change a running run). */
export const workflowStartedSchema = z.object({
  runId: z.string(),
  taskId: z.string(),
  definition: workflowDefinitionSchema,
  /** A resumed run: the earlier run whose succeeded steps it reuses. */
  resumedFrom: z.string().optional(),
  startedAt: instant,
});

/** The decision to run a step: everything its TaskDue needs, the config with upstream results substituted. */
export const stepScheduledSchema = z.object({
  stepId: z.string(),
  executionId: z.string(),
  /** The pseudo task id the step's execution carries (`<taskId>:<stepId>`). */
  taskId: z.string(),
  executor: z.string(),
  config: taskConfigSchema,
  retry: retryPolicySchema.optional(),
  timeouts: executionTimeoutsSchema.optional(),
});

export const stepSucceededSchema = z.object({
  stepId: z.string(),
  executionId: z.string().optional(),
  result: z.unknown().optional(),
  /** Reused from an earlier run (resume): it did not run again. */
  reusedFrom: z.string().optional(),
});

export const stepFailedSchema = z.object({
  stepId: z.string(),
  /** Absent when the step failed before it had an execution (a reference to an upstream result did not resolve). */
  executionId: z.string().optional(),
  error: executionErrorSchema,
});

/**
 * Why a step did not run: upstream_failed (a dependency failed and the trigger rule needs it not to), trigger_rule
 * (the rule cannot be met any more, e.g. one_failed when nothing failed), run_stopped (onFailure stop), run_cancelled,
 * execution_skipped (its execution was skipped).
 */
export const stepSkipReasons = ['upstream_failed', 'trigger_rule', 'run_stopped', 'run_cancelled', 'execution_skipped'] as const;
export type StepSkipReason = (typeof stepSkipReasons)[number];
export const stepSkippedSchema = z.object({ stepId: z.string(), reason: z.enum(stepSkipReasons) });

export const stepCancelledSchema = z.object({ stepId: z.string(), executionId: z.string(), reason: z.string().optional() });

export const workflowCancelRequestedSchema = z.object({ reason: z.string().optional() });

export const workflowSucceededSchema = z.object({
  durationMs: z.number().nonnegative(),
  succeeded: z.array(z.string()),
  skipped: z.array(z.string()),
});

export const workflowFailedSchema = z.object({
  durationMs: z.number().nonnegative(),
  failedSteps: z.array(z.string()),
  /** onFailure stop ended it early. */
  stopped: z.boolean(),
});

export const workflowCancelledSchema = z.object({ durationMs: z.number().nonnegative(), reason: z.string().optional() });
/** On an ended run: it was resumed as the run `runId` (sched.cmd.workflow.resume). A run is resumed once. */
export const workflowResumedSchema = z.object({ runId: z.string() });

type Ev<T extends string, S extends z.ZodType> = { type: T; data: z.infer<S> };
export type WorkflowStarted = Ev<'WorkflowStarted', typeof workflowStartedSchema>;
export type StepScheduled = Ev<'StepScheduled', typeof stepScheduledSchema>;
export type StepSucceeded = Ev<'StepSucceeded', typeof stepSucceededSchema>;
export type StepFailed = Ev<'StepFailed', typeof stepFailedSchema>;
export type StepSkipped = Ev<'StepSkipped', typeof stepSkippedSchema>;
export type StepCancelled = Ev<'StepCancelled', typeof stepCancelledSchema>;
export type WorkflowCancelRequested = Ev<'WorkflowCancelRequested', typeof workflowCancelRequestedSchema>;
export type WorkflowSucceeded = Ev<'WorkflowSucceeded', typeof workflowSucceededSchema>;
export type WorkflowFailed = Ev<'WorkflowFailed', typeof workflowFailedSchema>;
export type WorkflowCancelled = Ev<'WorkflowCancelled', typeof workflowCancelledSchema>;
export type WorkflowResumed = Ev<'WorkflowResumed', typeof workflowResumedSchema>;

export type WorkflowEvent =
  | WorkflowStarted
  | StepScheduled
  | StepSucceeded
  | StepFailed
  | StepSkipped
  | StepCancelled
  | WorkflowCancelRequested
  | WorkflowSucceeded
  | WorkflowFailed
  | WorkflowCancelled
  | WorkflowResumed;
export type WorkflowEventType = WorkflowEvent['type'];

export const WORKFLOW_EVENT_SCHEMAS = {
  WorkflowStarted: workflowStartedSchema,
  StepScheduled: stepScheduledSchema,
  StepSucceeded: stepSucceededSchema,
  StepFailed: stepFailedSchema,
  StepSkipped: stepSkippedSchema,
  StepCancelled: stepCancelledSchema,
  WorkflowCancelRequested: workflowCancelRequestedSchema,
  WorkflowSucceeded: workflowSucceededSchema,
  WorkflowFailed: workflowFailedSchema,
  WorkflowCancelled: workflowCancelledSchema,
  WorkflowResumed: workflowResumedSchema,
} as const satisfies Record<WorkflowEventType, z.ZodType>;
