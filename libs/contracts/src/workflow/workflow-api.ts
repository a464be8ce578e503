import { z } from 'zod';
import { commandBase, idSchema, madeIdSchema, unreservedId } from '../commands/task-commands';
import type { ExecutionError } from '../events/execution-events';
import type { ExecutionStatus } from '../queries';
import type { TriggerRule } from './workflow-definition';
import type { StepSkipReason } from './workflow-events';
import type { OmittedField } from '../views';

/**
 * `sched.cmd.workflow.resume`: a new run of the same workflow (the earlier run's definition) that reuses the results
 * of the steps that succeeded in `runId` and runs the rest. The new run's id is the command id.
 */
/** The commandId is the new run's id: held to a task id's rule (unreservedId). */
export const resumeWorkflowPayloadSchema = z.object({ ...commandBase, commandId: unreservedId("a resume's commandId (the new run's id)").optional(), runId: madeIdSchema }).strict();
export type ResumeWorkflowPayload = z.output<typeof resumeWorkflowPayloadSchema>;

/** `sched.cmd.workflow.cancel`: `sched.cmd.execution.cancel` of the run's execution, for workflow runs only. */
export const cancelWorkflowPayloadSchema = z.object({ ...commandBase, runId: madeIdSchema, reason: z.string().max(1000).optional() }).strict();
export type CancelWorkflowPayload = z.output<typeof cancelWorkflowPayloadSchema>;

export interface ResumeWorkflowResult {
  readonly runId: string;
  readonly resumedFrom: string;
  readonly taskId: string;
  /** Global position of the new run's TaskDue (absent when a retried command found it already there). */
  readonly position?: number;
}

export const workflowRunStatuses = ['running', 'cancelling', 'succeeded', 'failed', 'cancelled'] as const;
export type WorkflowRunStatus = (typeof workflowRunStatuses)[number];
export const workflowStepStatuses = ['pending', 'running', 'succeeded', 'failed', 'skipped', 'cancelled'] as const;
export type WorkflowStepStatus = (typeof workflowStepStatuses)[number];

export const getWorkflowRunQuerySchema = z
  .object({ runId: madeIdSchema, minPosition: z.number().int().nonnegative().optional() })
  .strict();
export const listWorkflowRunsQuerySchema = z
  .object({
    taskId: idSchema.optional(),
    status: z.enum(workflowRunStatuses).optional(),
    limit: z.number().int().min(1).max(500).default(50),
    cursor: z.string().max(200).optional(),
    minPosition: z.number().int().nonnegative().optional(),
  })
  .strict();
export type GetWorkflowRunQuery = z.output<typeof getWorkflowRunQuerySchema>;
export type ListWorkflowRunsQuery = z.output<typeof listWorkflowRunsQuerySchema>;

/** One step of a run, as `sched.query.workflow.get` returns it. */
export interface WorkflowStepView {
  readonly id: string;
  readonly executor: string;
  readonly dependsOn: readonly string[];
  readonly triggerRule: TriggerRule;
  readonly status: WorkflowStepStatus;
  readonly executionId?: string;
  /** From the step's execution read model: its current attempt and status (due while waiting for a retry). */
  readonly attempt?: number;
  readonly executionStatus?: ExecutionStatus;
  readonly progress?: { readonly percent: number; readonly message?: string };
  readonly scheduledAt?: string;
  readonly endedAt?: string;
  readonly result?: unknown;
  readonly error?: ExecutionError;
  readonly skipReason?: StepSkipReason;
  readonly reusedFrom?: string;
  /** Fields cut to fit the reply (see OmittedField): a step's result is in full on its execution. */
  readonly omitted?: readonly OmittedField[];
}

/** A workflow run; `steps` only from `sched.query.workflow.get` (lists leave them out). */
export interface WorkflowRunView {
  readonly runId: string;
  readonly taskId: string;
  readonly status: WorkflowRunStatus;
  readonly mode: 'parallel' | 'serial';
  readonly onFailure: 'stop' | 'continue';
  readonly maxParallel: number;
  readonly resumedFrom?: string;
  /** The run a resume started in this one's place (a run is resumed once). */
  readonly resumedAs?: string;
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly durationMs?: number;
  readonly counts: Readonly<Record<WorkflowStepStatus, number>>;
  readonly steps?: readonly WorkflowStepView[];
  readonly position: number;
}
