import type { StepSkipReason, TriggerRule, WorkflowStepStatus } from '@sched/contracts';

/** A dependency's outcome as trigger rules see it. */
export type UpstreamOutcome = 'succeeded' | 'failed' | 'skipped' | 'not_done';

/** How a step's status counts for its dependents: a step skipped because its own upstream failed counts as failed. */
export function upstreamOutcome(status: WorkflowStepStatus, skipReason?: StepSkipReason): UpstreamOutcome {
  switch (status) {
    case 'succeeded':
      return 'succeeded';
    case 'failed':
    case 'cancelled':
      return 'failed';
    case 'skipped':
      return skipReason === 'upstream_failed' ? 'failed' : 'skipped';
    case 'pending':
    case 'running':
      return 'not_done';
  }
}

export type RuleVerdict =
  | { readonly kind: 'run' }
  | { readonly kind: 'wait' }
  | { readonly kind: 'skip'; readonly reason: Extract<StepSkipReason, 'upstream_failed' | 'trigger_rule'> };

const RUN: RuleVerdict = { kind: 'run' };
const WAIT: RuleVerdict = { kind: 'wait' };
const skip = (reason: 'upstream_failed' | 'trigger_rule'): RuleVerdict => ({ kind: 'skip', reason });

/**
 * Airflow's trigger rules. A verdict is given as soon as it is certain (all_success skips at the first failed
 * dependency, one_success runs at the first succeeded one); a step without dependencies always runs.
 */
export function evaluateTriggerRule(rule: TriggerRule, upstream: readonly UpstreamOutcome[]): RuleVerdict {
  if (upstream.length === 0) return RUN;
  const count = (outcome: UpstreamOutcome) => upstream.filter((o) => o === outcome).length;
  const succeeded = count('succeeded');
  const failed = count('failed');
  const allDone = count('not_done') === 0;
  switch (rule) {
    case 'all_success':
      if (failed > 0) return skip('upstream_failed');
      if (count('skipped') > 0) return skip('trigger_rule');
      return allDone ? RUN : WAIT;
    case 'all_done':
      return allDone ? RUN : WAIT;
    case 'one_success':
      if (succeeded > 0) return RUN;
      if (allDone) return skip(failed > 0 ? 'upstream_failed' : 'trigger_rule');
      return WAIT;
    case 'one_failed':
      if (failed > 0) return RUN;
      return allDone ? skip('trigger_rule') : WAIT;
    case 'none_failed':
      if (failed > 0) return skip('upstream_failed');
      return allDone ? RUN : WAIT;
  }
}
