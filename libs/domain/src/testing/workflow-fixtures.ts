import type { WorkflowDefinition, WorkflowEvent, WorkflowStep } from '@sched/contracts';
import type { StepOutcome, WorkflowCommand } from '../workflow/workflow.commands';

/** Events and commands the workflow decider specs share: run `r` of task `t`, started at T. */
export const T = 1_000_000;
const iso = (ms: number): string => new Date(ms).toISOString();

export const step = (id: string, extra: Partial<WorkflowStep> = {}): WorkflowStep => ({
  id,
  executor: 'noop',
  config: {},
  dependsOn: [],
  triggerRule: 'all_success',
  ...extra,
});

export const definition = (steps: WorkflowStep[], extra: Partial<WorkflowDefinition> = {}): WorkflowDefinition => ({
  mode: 'parallel',
  onFailure: 'continue',
  maxParallel: 8,
  steps,
  ...extra,
});

/** a → (b, c) → d */
export const diamond = (extra: Partial<WorkflowDefinition> = {}, dRule: WorkflowStep['triggerRule'] = 'all_success') =>
  definition([step('a'), step('b', { dependsOn: ['a'] }), step('c', { dependsOn: ['a'] }), step('d', { dependsOn: ['b', 'c'], triggerRule: dRule })], extra);

export const startRun = (def: WorkflowDefinition, extra: Partial<Extract<WorkflowCommand, { type: 'StartRun' }>['data']> = {}): WorkflowCommand => ({
  type: 'StartRun',
  data: { runId: 'r', taskId: 't', definition: def, nowMs: T, ...extra },
});

export const started = (def: WorkflowDefinition): WorkflowEvent => ({
  type: 'WorkflowStarted',
  data: { runId: 'r', taskId: 't', definition: def, startedAt: iso(T) },
});

export const scheduled = (id: string, config: Record<string, unknown> = {}): WorkflowEvent => ({
  type: 'StepScheduled',
  data: { stepId: id, executionId: `r:${id}`, taskId: `t:${id}`, executor: 'noop', config },
});

export const succeeded = (id: string, result?: unknown): WorkflowEvent => ({
  type: 'StepSucceeded',
  data: { stepId: id, executionId: `r:${id}`, ...(result === undefined ? {} : { result }) },
});

export const boom = { type: 'Error', message: 'boom', retryable: true };
export const failed = (id: string): WorkflowEvent => ({ type: 'StepFailed', data: { stepId: id, executionId: `r:${id}`, error: boom } });

export const skipped = (id: string, reason: Extract<WorkflowEvent, { type: 'StepSkipped' }>['data']['reason']): WorkflowEvent => ({
  type: 'StepSkipped',
  data: { stepId: id, reason },
});

/** The outcome arrives 5 s after the start, so the run's duration is 5000 ms. */
export const outcome = (id: string, result: StepOutcome): WorkflowCommand => ({
  type: 'RecordStepOutcome',
  data: { stepId: id, executionId: `r:${id}`, outcome: result, nowMs: T + 5000 },
});
export const ok = (result?: unknown): StepOutcome => ({ kind: 'succeeded', ...(result === undefined ? {} : { result }) });
export const fail: StepOutcome = { kind: 'failed', error: boom };
