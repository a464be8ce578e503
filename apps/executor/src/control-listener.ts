import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { Subjects } from '@sched/contracts';

/** Live pause/resume events of every execution (published by the relay after commit). */
export const CONTROL_EVENT_TYPES = ['ExecutionPauseRequested', 'ExecutionResumed'] as const;

/**
 * Tells the executor at once when a running execution is asked to pause or is resumed, so it re-reads that stream.
 * The fast path only, as for cancel (cancel-listener.ts): a paused attempt also re-reads its stream every second,
 * and a running one at each 5 s heartbeat, so a missed message delays a pause or resume but never loses it.
 */
export function listenForControlRequests(nc: NatsConnection, onChange: (executionId: string) => void): Subscription[] {
  return CONTROL_EVENT_TYPES.map((type) =>
    nc.subscribe(Subjects.evt.execution('*', '*', type), {
      callback: (error, msg) => {
        if (error) return;
        // sched.evt.execution.<taskId>.<executionId>.<Type>; ids never contain '.'.
        const executionId = msg.subject.split('.')[4];
        if (executionId) onChange(executionId);
      },
    }),
  );
}
