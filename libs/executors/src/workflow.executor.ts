import { z } from 'zod';
import { WORKFLOW_EXECUTOR, referencesInConfig, workflowConfigInputSchema, type WorkflowDefinition } from '@sched/contracts';
import { ExecutorRegistry } from './executor-registry';
import { ExecutorError, type TaskExecutor } from './task-executor';

/**
 * The `workflow` executor type, as the gateway's catalog knows it: its config schema validates the DAG (duplicate
 * ids, unknown or repeated dependencies, cycles named by their path, references to steps that are not upstream) and each step's
 * executor and config against the same registry. A workflow is never run by an executor process: the relay does
 * not queue it, the workflow process manager (apps/workflow) drives its run. A step whose config references upstream
 * results is validated by its executor when it runs (the values are known only then).
 */
export function workflowExecutor(registry: ExecutorRegistry): TaskExecutor<WorkflowDefinition> {
  const configSchema = workflowConfigInputSchema.superRefine((definition, ctx) => {
    definition.steps.forEach((step, i) => {
      // Refused when a task is set, not when a run parses its definition: a task stored with a repeat still runs (the
      // rules would not mind it), but a repeat is a slip (another step meant) and every view would draw the edge twice.
      step.dependsOn.forEach((dependency, j) => {
        if (step.dependsOn.indexOf(dependency) < j) {
          ctx.addIssue({ code: 'custom', path: ['steps', i, 'dependsOn', j], message: `step "${step.id}" lists dependency "${dependency}" twice` });
        }
      });
      const heartbeat = registry.heartbeatIssue(step.executor, step.timeouts);
      if (heartbeat) ctx.addIssue({ code: 'custom', path: ['steps', i, 'timeouts', 'heartbeat'], message: heartbeat });
      if (referencesInConfig(step.config).length > 0 && registry.get(step.executor)) return;
      try {
        registry.validate(step.executor, step.config);
      } catch (error) {
        const issues = (error as { details?: { issues?: { path: string; message: string }[] } }).details?.issues ?? [];
        for (const issue of issues) ctx.addIssue({ code: 'custom', path: ['steps', i, ...issue.path.split('.')], message: issue.message });
      }
    });
  });
  return {
    type: WORKFLOW_EXECUTOR,
    description: 'A DAG of steps with dependencies and trigger rules; each step is an execution of another executor.',
    configSchema: configSchema as unknown as z.ZodType<WorkflowDefinition>,
    execute: async () => {
      throw new ExecutorError('workflow runs are driven by the workflow service, not by an executor', 'NotAnExecutorTask', false);
    },
  };
}

/** The registry plus the `workflow` type validating its steps against it (what the gateway's catalog uses). */
export function withWorkflowExecutor<R extends ExecutorRegistry>(registry: R): R {
  return registry.register(workflowExecutor(registry));
}
