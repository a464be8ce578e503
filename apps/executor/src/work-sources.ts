import type { JsMsg } from '@nats-io/jetstream';
import type { RecordedEvent, TaskDue } from '@sched/contracts';
import { streamStartEvents, type EventStore } from '@sched/event-store';
import { firstAttemptOf, workItemSchema, type WorkItem } from '@sched/messaging';

/** An attempt to run, and the execution stream's first commit when the log dispatch delivered it (see seedOf). */
export interface Work {
  readonly item: WorkItem;
  readonly firstCommit?: readonly RecordedEvent[];
  /** When this process got the delivery: before the attempt's instant (then held until it) or not. */
  readonly receivedAtMs: number;
}

/**
 * A first delivery stored this recently is started from the commit it carries, with no read of the stream first:
 * anything appended since (a cancel racing the start) makes the start's append conflict, and the actor then reads
 * and decides again, as after any stale read; a cancel also reaches the running attempt live and aborts it, as it
 * does during the group-commit hold. The bound keeps that window to a second at most (a fresh delivery takes a few
 * ms). A backlog (executors were down or busy, executions may have been cancelled meanwhile) is read before anything
 * runs, unless the store's live tail vouches that nothing was appended to the stream up to a second ago: the same
 * window, without a read per execution when a burst of due executions queues up.
 */
export const SEED_MAX_AGE_MS = 1_000;

/**
 * A message of the executor work queue: a work item, or undefined when it is malformed (terminated: redelivering
 * it would not mend it).
 */
export function workFromQueue(msg: JsMsg, onMalformed: (msg: JsMsg) => void): Work | undefined {
  let body: unknown;
  try {
    body = msg.json();
  } catch {
    body = undefined;
  }
  const parsed = workItemSchema.safeParse(body);
  if (parsed.success) return { item: parsed.data, receivedAtMs: Date.now() };
  onMalformed(msg);
  msg.term();
  return undefined;
}

/**
 * A commit of an execution stream, from the log dispatch consumer: the first attempt when it is the stream's first
 * commit (TaskDue), undefined otherwise — a later commit of the execution, or a workflow run's TaskDue (the workflow
 * service drives those) — and then it is acked at once, since nothing is owed for it.
 */
export function workFromLog(msg: JsMsg, onMalformed: (msg: JsMsg) => void): Work | undefined {
  let firstCommit;
  try {
    firstCommit = streamStartEvents(msg);
  } catch {
    // Not an event commit (CorruptCommitError): nothing on it to run, and redelivering it would not mend it.
    onMalformed(msg);
    msg.term();
    return undefined;
  }
  const first = firstCommit?.[0];
  const item = first?.type === 'TaskDue' ? firstAttemptOf(first.data as TaskDue['data']) : undefined;
  if (item === undefined) {
    msg.ack();
    return undefined;
  }
  return { item, firstCommit, receivedAtMs: Date.now() };
}

/**
 * Whether the store vouches that the stream still ended with these events as of at most SEED_MAX_AGE_MS ago
 * (EventStore.endsAt): a delivery from a backlog then starts as a fresh one does, with the same window.
 */
export type StillEndsWith = (events: readonly RecordedEvent[]) => boolean;

/**
 * The events the attempt may start from without reading its stream: a first delivery's when it is fresh
 * (SEED_MAX_AGE_MS) or when `stillEndsWith` vouches for it.
 */
export function seedOf(
  work: Work,
  delivery: { readonly deliveryCount: number; readonly timestampNanos: number },
  nowMs: number,
  stillEndsWith: StillEndsWith = () => false,
): readonly RecordedEvent[] | undefined {
  const events = work.firstCommit;
  if (events === undefined || delivery.deliveryCount !== 1) return undefined;
  const storedMs = delivery.timestampNanos / 1e6; // the server's clock: on another host, skew moves the bound
  return nowMs - storedMs <= SEED_MAX_AGE_MS || stillEndsWith(events) ? events : undefined;
}

/**
 * StillEndsWith from a store's endsAt (false for a store that cannot tell). Asks the store to start tracking stream
 * ends at once: create it before the executor takes work, so the first backlog's TaskDues are already tracked.
 */
export function stillEndsWithIn(store: EventStore): StillEndsWith {
  store.trackEnds?.();
  return (events) => {
    const last = events[events.length - 1];
    return last !== undefined && store.endsAt?.(last.streamId, last.position, SEED_MAX_AGE_MS) === true;
  };
}
