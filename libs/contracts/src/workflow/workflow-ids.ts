/**
 * Names around workflow runs. A workflow task is an ordinary task whose executor is `workflow`: each of its
 * executions is a run, and the run's id is that execution's id. The run's decisions live in their own stream
 * (`workflow-<runId>`); each step is an ordinary execution (`execution-<runId>:<stepId>`).
 */
export const WORKFLOW_EXECUTOR = 'workflow';
export const WORKFLOW_STREAM_PREFIX = 'workflow-';

export const toWorkflowStreamId = (runId: string): string => `${WORKFLOW_STREAM_PREFIX}${runId}`;

/** The run id of a `workflow-<runId>` stream, or undefined for any other stream. */
export const runIdOfStream = (streamId: string): string | undefined =>
  streamId.startsWith(WORKFLOW_STREAM_PREFIX) ? streamId.slice(WORKFLOW_STREAM_PREFIX.length) : undefined;

/** A step's execution: deterministic, so scheduling it twice (a redelivered decision) appends to one stream. */
export const stepExecutionId = (runId: string, stepId: string): string => `${runId}:${stepId}`;

/**
 * The task id a step's executions carry: a pseudo task per workflow step, so `exec list --task <taskId>:<stepId>`
 * lists one step across runs, and step executions do not count as executions of the workflow task itself.
 */
export const stepTaskId = (taskId: string, stepId: string): string => `${taskId}:${stepId}`;

/** Step ids become parts of execution ids and NATS subject tokens. */
export const STEP_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_WORKFLOW_STEPS = 200;
export const MAX_PARALLEL_STEPS = 100;
