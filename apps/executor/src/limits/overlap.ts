import { concurrencyLimitOf, toExecutionStreamId, type TaskDue } from '@sched/contracts';
import { executionDecider } from '@sched/domain';
import { handleCommand, type EventStore } from '@sched/event-store';
import type { SlotOrder, TaskSlotLeases } from './task-slot-leases';

/** 'wait', or why it is skipped (recorded on its TaskSkipped). */
export type OverlapDecision = 'wait' | { readonly skip: string };

/**
 * A first attempt found its task at its limit: what its overlap policy says (see overlapPolicies in contracts).
 * Waiting means the work item comes back shortly; cancel-other first asks the running ones to stop, through the
 * same RequestCancel the cancel command uses, so the cancellation is recorded on their streams.
 */
export async function onTaskBusy(due: TaskDue['data'], slots: TaskSlotLeases, store: EventStore, actor: string): Promise<OverlapDecision> {
  const orderMs = Date.parse(due.scheduledAt);
  const atLimit = `task ${due.taskId} was at its limit of ${concurrencyLimitOf(due)} running (overlap ${due.overlap})`;
  switch (due.overlap ?? 'queue') {
    case 'skip':
      return { skip: atLimit };
    case 'buffer-one':
      return (await slots.wait(due.taskId, due.executionId, orderMs)) ? 'wait' : { skip: `${atLimit} and one execution waiting already` };
    case 'cancel-other':
      // The newest execution replaces the others: it holds the waiting place (the next free slot is its), and an
      // older one, whose place it took or which it already replaced, is skipped rather than cancelling it in turn.
      if (!(await slots.wait(due.taskId, due.executionId, orderMs, true))) return { skip: `a newer execution of task ${due.taskId} replaced it (overlap cancel-other)` };
      for (const running of await slots.holders(due.taskId)) {
        if (running === due.executionId) continue;
        await handleCommand(
          store,
          toExecutionStreamId(running),
          executionDecider,
          { type: 'RequestCancel', data: { executionId: running, reason: `overlap cancel-other: ${due.executionId} replaces it` } },
          { correlationId: due.executionId, causationId: due.executionId, actor, nowMs: Date.now() },
        ).catch(() => undefined); // already finished: nothing to cancel
      }
      return 'wait';
    case 'queue':
      return 'wait';
  }
}

/**
 * The order an execution takes a slot in, by its overlap policy: under queue (the default) by its instant (a retry
 * keeps its place); under buffer-one a first attempt yields to the one waiting (a retry does not: its execution has
 * run already); under cancel-other a first attempt by being the newest.
 */
export function slotOrderOf(due: TaskDue['data'], attempt: number): SlotOrder {
  const atMs = Date.parse(due.scheduledAt);
  switch (due.overlap ?? 'queue') {
    case 'queue':
      return { queuedAtMs: atMs };
    case 'buffer-one':
      return { yieldsToWaiter: attempt === 1 };
    case 'cancel-other':
      // A retry competes as any would: its execution was not replaced, or it would have been cancelled.
      return attempt === 1 ? { newestAtMs: atMs } : {};
    case 'skip':
      return {};
  }
}

/**
 * The place an execution waits in its task's line in this process (see QueueLines): its instant under queue with a
 * limit, else undefined (no limit, or another policy: those come back by themselves).
 */
export function linePlaceOf(due: TaskDue['data'], attempt: number): number | undefined {
  return concurrencyLimitOf(due) === undefined ? undefined : slotOrderOf(due, attempt).queuedAtMs;
}
