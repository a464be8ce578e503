import { z } from 'zod';
import {
  executionTimeoutsInputSchema,
  executionTimeoutsSchema,
  retryPolicyInputSchema,
  retryPolicySchema,
  type ExecutionTimeouts,
} from '../execution-policy';
import { executorTypeSchema, taskConfigSchema } from '../task-definition';
import { ancestorsOf, findCycle } from './workflow-dag';
import { MAX_PARALLEL_STEPS, MAX_WORKFLOW_STEPS, STEP_ID_PATTERN, WORKFLOW_EXECUTOR } from './workflow-ids';
import { malformedReferencesInConfig, referencesInConfig } from './step-references';

/**
 * When a step with dependencies may run, from its dependencies' outcomes (Airflow's trigger rules). A dependency
 * counts as failed when it failed or was skipped because its own dependencies failed (upstream_failed).
 */
export const triggerRules = ['all_success', 'all_done', 'one_success', 'one_failed', 'none_failed'] as const;
export type TriggerRule = (typeof triggerRules)[number];

/** parallel: every ready step runs, up to maxParallel at once; serial: one step at a time, in declaration order. */
export const workflowModes = ['parallel', 'serial'] as const;
/** stop: after a step fails, only clean-up and failure handlers (all_done, one_failed) start (running steps finish and are recorded); continue: the rest goes on. */
export const onFailurePolicies = ['stop', 'continue'] as const;

/** A step as stored in WorkflowStarted: durations in ms, defaults filled in. */
export const workflowStepSchema = z.object({
  id: z.string().regex(STEP_ID_PATTERN),
  executor: executorTypeSchema,
  config: taskConfigSchema,
  dependsOn: z.array(z.string()),
  triggerRule: z.enum(triggerRules),
  retry: retryPolicySchema.optional(),
  timeouts: executionTimeoutsSchema.optional(),
});
export type WorkflowStep = z.infer<typeof workflowStepSchema>;

export const workflowDefinitionSchema = z.object({
  mode: z.enum(workflowModes),
  onFailure: z.enum(onFailurePolicies),
  maxParallel: z.number().int().min(1).max(MAX_PARALLEL_STEPS),
  steps: z.array(workflowStepSchema).min(1).max(MAX_WORKFLOW_STEPS),
});
export type WorkflowDefinition = z.infer<typeof workflowDefinitionSchema>;

const stepInputSchema = z
  .object({
    id: z
      .string()
      .regex(STEP_ID_PATTERN, { message: 'step id must be 1-64 characters of A-Z a-z 0-9 _ -' })
      // `<runId>:notify` is the id of the run's failure notice.
      .refine((id) => id !== 'notify', { message: 'step id "notify" is kept for the run\'s failure notice (<runId>:notify): name the step otherwise' }),
    executor: executorTypeSchema.refine((type) => type !== WORKFLOW_EXECUTOR, { message: 'a step cannot be a workflow' }),
    config: taskConfigSchema.default({}),
    dependsOn: z.array(z.string()).max(MAX_WORKFLOW_STEPS).default([]),
    triggerRule: z.enum(triggerRules).default('all_success'),
    retry: retryPolicyInputSchema.optional(),
    /** Shorthand for `timeouts.startToClose`: the longest one attempt of the step may run. */
    timeout: z.union([z.string(), z.number()]).optional(),
    timeouts: executionTimeoutsInputSchema.optional(),
  })
  .strict()
  .transform((input, ctx): WorkflowStep => {
    let timeouts: ExecutionTimeouts | undefined = input.timeouts;
    if (input.timeout !== undefined) {
      const parsed = executionTimeoutsInputSchema.safeParse({ startToClose: input.timeout });
      if (!parsed.success) {
        parsed.error.issues.forEach((issue) => ctx.addIssue({ code: 'custom', path: ['timeout'], message: issue.message }));
        return z.NEVER;
      }
      timeouts = { ...timeouts, ...parsed.data };
    }
    return {
      id: input.id,
      executor: input.executor,
      config: input.config,
      dependsOn: input.dependsOn,
      triggerRule: input.triggerRule,
      ...(input.retry ? { retry: input.retry } : {}),
      ...(timeouts && Object.keys(timeouts).length > 0 ? { timeouts } : {}),
    };
  });

type Issue = { readonly path: (string | number)[]; readonly message: string };

/** Duplicate ids, unknown dependencies, cycles (named by their path) and references to steps that are not upstream. */
export function dagIssues(steps: readonly WorkflowStep[]): Issue[] {
  const issues: Issue[] = [];
  const firstIndex = new Map<string, number>();
  steps.forEach((step, i) => {
    if (firstIndex.has(step.id)) issues.push({ path: ['steps', i, 'id'], message: `duplicate step id "${step.id}"` });
    else firstIndex.set(step.id, i);
    step.dependsOn.forEach((dependency, j) => {
      if (!steps.some((other) => other.id === dependency)) {
        issues.push({ path: ['steps', i, 'dependsOn', j], message: `step "${step.id}" depends on unknown step "${dependency}"` });
      }
    });
  });
  if (issues.length > 0) return issues;
  const cycle = findCycle(steps);
  if (cycle) {
    const index = firstIndex.get(cycle[cycle.length - 1]) ?? 0;
    return [{ path: ['steps', index, 'dependsOn'], message: `dependency cycle: ${cycle.join(' → ')}` }];
  }
  const ancestors = ancestorsOf(steps);
  steps.forEach((step, i) => {
    for (const text of malformedReferencesInConfig(step.config)) {
      const message = `step "${step.id}" has ${text}, which is no step reference: write \${steps.<step>.result} or \${steps.<step>.result.<path>}`;
      issues.push({ path: ['steps', i, 'config'], message });
    }
    for (const reference of referencesInConfig(step.config)) {
      if (ancestors.get(step.id)?.has(reference.stepId)) continue;
      issues.push({
        path: ['steps', i, 'config'],
        message: `step "${step.id}" references ${reference.text} but "${reference.stepId}" is not upstream of it`,
      });
    }
  });
  return issues;
}

/**
 * A workflow task's `config` as users write it: `{ steps: [{ id, executor, config, dependsOn, triggerRule, retry,
 * timeout }], mode, onFailure, maxParallel }`. Parses into the stored WorkflowDefinition, or reports every issue.
 */
export const workflowConfigInputSchema = z
  .object({
    mode: z.enum(workflowModes).default('parallel'),
    onFailure: z.enum(onFailurePolicies).default('stop'),
    maxParallel: z.number().int().min(1).max(MAX_PARALLEL_STEPS).default(8),
    steps: z.array(stepInputSchema).min(1).max(MAX_WORKFLOW_STEPS),
  })
  .strict()
  .transform((input, ctx): WorkflowDefinition => {
    const issues = dagIssues(input.steps);
    issues.forEach((issue) => ctx.addIssue({ code: 'custom', ...issue }));
    return issues.length > 0 ? z.NEVER : input;
  });
export type WorkflowConfigInput = z.input<typeof workflowConfigInputSchema>;
