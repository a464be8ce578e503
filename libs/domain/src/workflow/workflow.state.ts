import type { ExecutionError, StepSkipReason, WorkflowDefinition, WorkflowEvent, WorkflowStepStatus } from '@sched/contracts';

export interface StepState {
  readonly status: WorkflowStepStatus;
  readonly executionId?: string;
  readonly result?: unknown;
  readonly error?: ExecutionError;
  readonly skipReason?: StepSkipReason;
  readonly reusedFrom?: string;
}

export type WorkflowState =
  | { readonly status: 'none' }
  | {
      readonly status: 'running' | 'succeeded' | 'failed' | 'cancelled';
      readonly runId: string;
      readonly taskId: string;
      readonly definition: WorkflowDefinition;
      readonly startedAtMs: number;
      readonly steps: ReadonlyMap<string, StepState>;
      readonly cancelRequested: boolean;
      readonly cancelReason?: string;
      /** The run this ended run was resumed as (WorkflowResumed). */
      readonly resumedAs?: string;
      /** onFailure is stop and a step failed: nothing new starts but clean-up and failure handlers. */
      readonly stopped: boolean;
    };

export type KnownWorkflowState = Exclude<WorkflowState, { status: 'none' }>;

export const initialWorkflowState = (): WorkflowState => ({ status: 'none' });

function withStep(state: KnownWorkflowState, stepId: string, change: Partial<StepState>): KnownWorkflowState {
  const steps = new Map(state.steps);
  steps.set(stepId, { ...(steps.get(stepId) ?? { status: 'pending' }), ...change });
  return { ...state, steps };
}

/** A failed (or individually cancelled) step stops the run when its policy says so and no cancel is under way. */
const stopsRun = (state: KnownWorkflowState): boolean => state.definition.onFailure === 'stop' && !state.cancelRequested;

export function evolveWorkflow(state: WorkflowState, event: WorkflowEvent): WorkflowState {
  if (event.type === 'WorkflowStarted') {
    const { runId, taskId, definition, startedAt } = event.data;
    const steps = new Map(definition.steps.map((step): [string, StepState] => [step.id, { status: 'pending' }]));
    return { status: 'running', runId, taskId, definition, startedAtMs: Date.parse(startedAt), steps, cancelRequested: false, stopped: false };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'StepScheduled':
      return withStep(state, event.data.stepId, { status: 'running', executionId: event.data.executionId });
    case 'StepSucceeded': {
      const { stepId, executionId, result, reusedFrom } = event.data;
      return withStep(state, stepId, { status: 'succeeded', executionId, result, reusedFrom });
    }
    case 'StepFailed': {
      const failed = withStep(state, event.data.stepId, { status: 'failed', error: event.data.error });
      return { ...failed, stopped: state.stopped || stopsRun(state) };
    }
    case 'StepSkipped':
      return withStep(state, event.data.stepId, { status: 'skipped', skipReason: event.data.reason });
    case 'StepCancelled': {
      const cancelled = withStep(state, event.data.stepId, { status: 'cancelled' });
      return { ...cancelled, stopped: state.stopped || stopsRun(state) };
    }
    case 'WorkflowCancelRequested':
      return { ...state, cancelRequested: true, cancelReason: event.data.reason };
    case 'WorkflowSucceeded':
      return { ...state, status: 'succeeded' };
    case 'WorkflowFailed':
      return { ...state, status: 'failed' };
    case 'WorkflowCancelled':
      return { ...state, status: 'cancelled' };
    case 'WorkflowResumed':
      return { ...state, resumedAs: event.data.runId };
  }
}

/** Step ids in one status, in declaration order. */
export const stepsIn = (state: KnownWorkflowState, ...statuses: WorkflowStepStatus[]): string[] =>
  state.definition.steps.map((step) => step.id).filter((id) => statuses.includes(state.steps.get(id)?.status ?? 'pending'));
