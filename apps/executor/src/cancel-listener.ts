import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { Subjects } from '@sched/contracts';

/** Live `TaskCancelRequested` events of every execution (published by the relay after commit). */
export const CANCEL_REQUESTS_SUBJECT = Subjects.evt.execution('*', '*', 'TaskCancelRequested');

/**
 * Tells the executor at once when a cancel is requested. Live subjects are at-most-once, so this is the fast path
 * only: the runtime also re-reads running executions' streams on every heartbeat, and an append that conflicts with
 * the request reads it too (ExecutionActor), so a missed message delays a cancel but never loses it.
 */
export function listenForCancelRequests(nc: NatsConnection, onCancel: (executionId: string) => void): Subscription {
  return nc.subscribe(CANCEL_REQUESTS_SUBJECT, {
    callback: (error, msg) => {
      if (error) return;
      // sched.evt.execution.<taskId>.<executionId>.TaskCancelRequested; ids never contain '.'.
      const executionId = msg.subject.split('.')[4];
      if (executionId) onCancel(executionId);
    },
  });
}
