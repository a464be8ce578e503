import type { ExecutionState } from '@sched/domain';
import type { AttemptOutcomeLabel } from '@sched/messaging';
import type { AttemptOutcome } from './attempt-runner';

/** The metrics label of an attempt's end, from how the runner ended and the execution state it left behind. */
export function attemptOutcomeLabel(outcome: AttemptOutcome, state: ExecutionState): AttemptOutcomeLabel {
  if (outcome !== 'recorded') return outcome;
  switch (state.status) {
    case 'succeeded':
    case 'failed':
    case 'cancelled':
    case 'skipped':
      return state.status;
    // TaskRetried made it due again: this attempt failed or timed out and another one follows.
    case 'due':
      return 'retrying';
    default:
      return 'failed';
  }
}
