import { invalidState, notFound, type WorkflowDefinition, type WorkflowEvent } from '@sched/contracts';
import { assertNever, type Decider } from '../decider';
import { nextDecisions } from './next-decisions';
import type { StepOutcome, WorkflowCommand } from './workflow.commands';
import { evolveWorkflow, initialWorkflowState, type KnownWorkflowState, type WorkflowState } from './workflow.state';

/** The decided events, followed by everything they make happen next (all appended in one commit). */
function thenNext(state: WorkflowState, decided: WorkflowEvent[], nowMs: number): WorkflowEvent[] {
  return [...decided, ...nextDecisions(decided.reduce(evolveWorkflow, state), nowMs)];
}

function outcomeEvent(stepId: string, executionId: string, outcome: StepOutcome): WorkflowEvent {
  switch (outcome.kind) {
    case 'succeeded':
      return { type: 'StepSucceeded', data: { stepId, executionId, ...(outcome.result === undefined ? {} : { result: outcome.result }) } };
    case 'failed':
      return { type: 'StepFailed', data: { stepId, executionId, error: outcome.error } };
    case 'cancelled':
      return { type: 'StepCancelled', data: { stepId, executionId, ...(outcome.reason ? { reason: outcome.reason } : {}) } };
    case 'skipped':
      return { type: 'StepSkipped', data: { stepId, reason: 'execution_skipped' } };
    default:
      return assertNever(outcome);
  }
}

/**
 * The earlier run's succeeded steps a resumed run takes over: those whose every dependency is taken over too. A step
 * downstream of one that runs again is decided again (a failure handler that ran because `load` failed must not
 * count as done when `load` is retried), as Airflow clears a failed task's downstream.
 */
function reusableSteps(definition: WorkflowDefinition, candidates: Readonly<Record<string, unknown>>): Set<string> {
  const reusable = new Set(definition.steps.filter((step) => Object.hasOwn(candidates, step.id)).map((step) => step.id));
  let dropped = true;
  while (dropped) {
    dropped = false;
    for (const step of definition.steps) {
      if (reusable.has(step.id) && !step.dependsOn.every((id) => reusable.has(id))) {
        reusable.delete(step.id);
        dropped = true;
      }
    }
  }
  return reusable;
}

/**
 * The run's first events: WorkflowStarted, the steps a resumed run takes over, and what follows. They may go in
 * several commits (results are big), so the same TaskDue delivered again after a first commit decides the rest: the
 * reused steps not recorded yet and whatever follows from the state then.
 */
function decideStart(command: Extract<WorkflowCommand, { type: 'StartRun' }>, state: WorkflowState): WorkflowEvent[] {
  const { runId, taskId, definition, resumedFrom, reused = {}, nowMs } = command.data;
  if (state.status !== 'none' && state.status !== 'running') return []; // the same TaskDue, delivered after the end
  const started: WorkflowEvent[] =
    state.status === 'none'
      ? [{ type: 'WorkflowStarted', data: { runId, taskId, definition, ...(resumedFrom ? { resumedFrom } : {}), startedAt: new Date(nowMs).toISOString() } }]
      : [];
  const reusable = reusableSteps(definition, reused);
  const recorded = (stepId: string) => state.status === 'running' && state.steps.get(stepId)?.status !== 'pending';
  const reusedSteps: WorkflowEvent[] = definition.steps
    .filter((step) => reusable.has(step.id) && !recorded(step.id))
    .map((step) => {
      const { result, executionId, runId: from } = reused[step.id];
      const fields = { ...(executionId ? { executionId } : {}), ...(result === undefined ? {} : { result }) };
      return { type: 'StepSucceeded', data: { stepId: step.id, ...fields, reusedFrom: from } };
    });
  return thenNext(state, [...started, ...reusedSteps], nowMs);
}

/**
 * A workflow run: started → steps scheduled as their trigger rules allow → each step's outcome recorded → the next
 * decisions → succeeded | failed | cancelled. Outcomes and cancels that change nothing (delivered twice, for a step
 * that is not running, after the end) decide only what follows from the state as it is (nothing, once that was
 * recorded), so the process manager may redeliver freely, and a decision split over several commits (big results)
 * is completed by the redelivery of what caused it.
 */
/** A run that may be resumed: one that ended failed or cancelled (NOT_FOUND, INVALID_STATE otherwise). */
export function assertResumable(state: WorkflowState, runId: string): KnownWorkflowState {
  if (state.status === 'none') throw notFound('Run', runId);
  if (state.status !== 'failed' && state.status !== 'cancelled') {
    throw invalidState(`run ${runId} is ${state.status}: only a failed or cancelled run can be resumed`, { runId, status: state.status });
  }
  return state;
}

export function decideWorkflow(command: WorkflowCommand, state: WorkflowState): WorkflowEvent[] {
  switch (command.type) {
    case 'StartRun':
      return decideStart(command, state);
    case 'RecordStepOutcome': {
      const { stepId, executionId, outcome, nowMs } = command.data;
      if (state.status !== 'running') return [];
      const step = state.steps.get(stepId);
      if (step?.status !== 'running' || step.executionId !== executionId) return nextDecisions(state, nowMs);
      return thenNext(state, [outcomeEvent(stepId, executionId, outcome)], nowMs);
    }
    case 'ResumeRun': {
      const { runId, newRunId, neverStarted } = command.data;
      const { resumedAs } = assertResumable(state, runId);
      // The same resume again (its id is the run that never started) answers with that run rather than record it twice.
      const free = resumedAs === undefined || (resumedAs === neverStarted && newRunId !== neverStarted);
      return free ? [{ type: 'WorkflowResumed', data: { runId: newRunId } }] : [];
    }
    case 'CancelRun': {
      if (state.status !== 'running') return [];
      const { reason, nowMs } = command.data;
      if (state.cancelRequested) return nextDecisions(state, nowMs);
      return thenNext(state, [{ type: 'WorkflowCancelRequested', data: reason ? { reason } : {} }], nowMs);
    }
    default:
      return assertNever(command);
  }
}

export const workflowDecider: Decider<WorkflowState, WorkflowCommand, WorkflowEvent> = {
  decide: decideWorkflow,
  evolve: evolveWorkflow,
  initialState: initialWorkflowState,
};
