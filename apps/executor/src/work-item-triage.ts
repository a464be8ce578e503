import type { WorkItem } from '@sched/messaging';
import { scheduleDeadlineMs, type ExecutionState } from '@sched/domain';

/**
 * What to do with a delivered work item, given the execution's stream:
 *  - start: the item is the next attempt of a due execution;
 *  - worker-lost: the running attempt's own item came back (redelivered: its worker stopped heartbeating);
 *  - expired: due, but its schedule-to-close deadline passed before it could start;
 *  - drop: stale (an attempt that is not the next one, a duplicate publish, a finished execution) — ack, do nothing;
 *  - unknown: no such execution — terminate the message.
 */
export type Triage = 'start' | 'worker-lost' | 'expired' | 'drop' | 'unknown';

export function triageWorkItem(state: ExecutionState, item: WorkItem, deliveryCount: number, nowMs: number): Triage {
  if (state.status === 'none') return 'unknown';
  // A paused attempt still held by its worker (the code waits at a checkpoint) is as alive as a running one.
  if (state.status === 'running' || (state.status === 'paused' && state.startedAtMs !== undefined)) {
    // A first delivery is a duplicate publish (the relay replaying history): the worker that runs it may be alive.
    return item.attempt === state.attempt && deliveryCount > 1 ? 'worker-lost' : 'drop';
  }
  if (state.status !== 'due' || item.attempt !== state.attempt + 1) return 'drop';
  const deadline = scheduleDeadlineMs(state.due);
  return deadline !== undefined && nowMs >= deadline ? 'expired' : 'start';
}
