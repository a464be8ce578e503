import { MAX_STEP_CONFIG_BYTES, jsonBytes, stepExecutionId, stepTaskId, type TriggerRule, type WorkflowEvent, type WorkflowStep } from '@sched/contracts';
import { resolveStepConfig } from './resolve-references';
import { evaluateTriggerRule, upstreamOutcome } from './trigger-rules';
import { evolveWorkflow, stepsIn, type KnownWorkflowState, type WorkflowState } from './workflow.state';

/** Results of the steps that succeeded so far, for `${steps.<id>.result}` references. */
function resultsOf(state: KnownWorkflowState): Map<string, unknown> {
  const results = new Map<string, unknown>();
  for (const [id, step] of state.steps) if (step.status === 'succeeded' && step.result !== undefined) results.set(id, step.result);
  return results;
}

function verdictFor(state: KnownWorkflowState, step: WorkflowStep) {
  const upstream = step.dependsOn.map((id) => {
    const dependency = state.steps.get(id);
    return upstreamOutcome(dependency?.status ?? 'pending', dependency?.skipReason);
  });
  return evaluateTriggerRule(step.triggerRule, upstream);
}

/**
 * Rules a step declares to run after a failure: clean-up (`all_done`) and failure handlers (`one_failed`). A run that
 * onFailure `stop` halted still runs them by their rule, as a CI job's `if: failure()` step runs, or they would never
 * run under the default policy; a cancel skips them with the rest.
 */
const RUNS_AFTER_FAILURE: ReadonlySet<TriggerRule> = new Set<TriggerRule>(['all_done', 'one_failed']);

/** The decision for one step that may start, or nothing when none may (limits, rules, a stop or a cancel). */
function nextDecision(state: KnownWorkflowState): WorkflowEvent | undefined {
  const pending = state.definition.steps.filter((step) => state.steps.get(step.id)?.status === 'pending');
  if (state.cancelRequested) return pending[0] && { type: 'StepSkipped', data: { stepId: pending[0].id, reason: 'run_cancelled' } };
  const halted = state.stopped ? pending.find((step) => !RUNS_AFTER_FAILURE.has(step.triggerRule)) : undefined;
  if (halted) return { type: 'StepSkipped', data: { stepId: halted.id, reason: 'run_stopped' } };
  for (const step of pending) {
    const verdict = verdictFor(state, step);
    if (verdict.kind === 'skip') return { type: 'StepSkipped', data: { stepId: step.id, reason: verdict.reason } };
  }
  const limit = state.definition.mode === 'serial' ? 1 : state.definition.maxParallel;
  if (stepsIn(state, 'running').length >= limit) return undefined;
  const ready = pending.find((step) => verdictFor(state, step).kind === 'run');
  if (!ready) return undefined;
  const executionId = stepExecutionId(state.runId, ready.id);
  const resolved = resolveStepConfig(ready.config, resultsOf(state));
  if (!resolved.ok) {
    return { type: 'StepFailed', data: { stepId: ready.id, error: { type: 'UnresolvedReference', message: resolved.message, retryable: false } } };
  }
  const bytes = jsonBytes(resolved.config);
  if (bytes > MAX_STEP_CONFIG_BYTES) {
    const message = `the config with its references substituted is ${bytes} bytes as JSON, over the limit of ${MAX_STEP_CONFIG_BYTES}: pass less of the results (a path into them)`;
    return { type: 'StepFailed', data: { stepId: ready.id, error: { type: 'ConfigTooLarge', message, retryable: false } } };
  }
  return {
    type: 'StepScheduled',
    data: {
      stepId: ready.id,
      executionId,
      taskId: stepTaskId(state.taskId, ready.id),
      executor: ready.executor,
      config: resolved.config,
      ...(ready.retry ? { retry: ready.retry } : {}),
      ...(ready.timeouts ? { timeouts: ready.timeouts } : {}),
    },
  };
}

/** How the run ends once no step is pending or running. */
function ending(state: KnownWorkflowState, nowMs: number): WorkflowEvent {
  const durationMs = Math.max(0, nowMs - state.startedAtMs);
  if (state.cancelRequested) {
    return { type: 'WorkflowCancelled', data: { durationMs, ...(state.cancelReason ? { reason: state.cancelReason } : {}) } };
  }
  const failedSteps = stepsIn(state, 'failed', 'cancelled');
  if (failedSteps.length > 0) return { type: 'WorkflowFailed', data: { durationMs, failedSteps, stopped: state.stopped } };
  return { type: 'WorkflowSucceeded', data: { durationMs, succeeded: stepsIn(state, 'succeeded'), skipped: stepsIn(state, 'skipped') } };
}

/**
 * Everything that follows from the state as it is now: skips that trigger rules make certain, steps that may start
 * (declaration order, within the mode's limit), and the run's end when nothing is left. One decision at a time,
 * each folded in before the next, so every decision sees the ones before it.
 */
export function nextDecisions(state: WorkflowState, nowMs: number): WorkflowEvent[] {
  const events: WorkflowEvent[] = [];
  let current = state;
  while (current.status === 'running') {
    const decision = nextDecision(current) ?? (stepsIn(current, 'pending', 'running').length === 0 ? ending(current, nowMs) : undefined);
    if (!decision) break;
    events.push(decision);
    current = evolveWorkflow(current, decision);
  }
  return events;
}
