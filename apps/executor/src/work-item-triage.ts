import type { WorkItem } from '@sched/messaging';
import { scheduleDeadlineMs, type ExecutionState } from '@sched/domain';

/**
 * What to do with a delivered work item, given the execution's stream:
 *  - start: the item is the next attempt of a due execution;
 *  - worker-lost: the running attempt's own item came back (redelivered: its worker stopped heartbeating);
 *  - held-elsewhere: a first delivery of the running attempt: a duplicate publish while its worker runs it, unless
 *    that worker is gone for good (an imported history): the caller asks the worker registry which;
 *  - expired: due, but its schedule-to-close deadline passed before it could start;
 *  - drop: stale (an attempt that is not the next one, a duplicate publish, a finished execution) — ack, do nothing;
 *  - unknown: no such execution — terminate the message.
 */
export type Triage = 'start' | 'worker-lost' | 'held-elsewhere' | 'expired' | 'drop' | 'unknown';

/** An attempt runs: running, or paused at a checkpoint while its worker holds it (as alive as a running one). */
export const attemptRuns = (state: ExecutionState): boolean =>
  state.status === 'running' || (state.status === 'paused' && state.startedAtMs !== undefined);

export function triageWorkItem(state: ExecutionState, item: WorkItem, deliveryCount: number, nowMs: number): Triage {
  if (state.status === 'none') return 'unknown';
  if (attemptRuns(state)) {
    if (item.attempt !== state.attempt) return 'drop';
    // A first delivery is a duplicate publish (the relay replaying history): the worker that runs it may be alive.
    return deliveryCount > 1 ? 'worker-lost' : 'held-elsewhere';
  }
  if (state.status !== 'due' || item.attempt !== state.attempt + 1) return 'drop';
  const deadline = scheduleDeadlineMs(state.due);
  return deadline !== undefined && nowMs >= deadline ? 'expired' : 'start';
}
