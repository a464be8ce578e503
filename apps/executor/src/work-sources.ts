import type { JsMsg } from '@nats-io/jetstream';
import { concurrencyLimitOf, type RecordedEvent, type TaskDue } from '@sched/contracts';
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
 * A first delivery is started from the commit it carries, with no read of the stream first: anything appended since
 * (a cancel racing the start, or waiting in a backlog) makes the start's append conflict, and the actor then reads
 * and decides again, as after any stale read. Nothing outside sched happens before that append: an attempt with
 * effects records its start first, and one held for group commit has none (a cancel also reaches it live).
 * Only a task with a concurrency limit or an overlap policy acts on another execution before its start is appended
 * (cancel-other cancels the running one, a slot is taken): its first delivery is read first unless it was stored
 * this recently (a fresh delivery takes a few ms), or the store's live tail vouches that nothing was appended to the
 * stream up to this long ago.
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
 * The events the attempt may start from without reading its stream: a first delivery's, when its task shares no
 * slots with others (see SEED_MAX_AGE_MS), or when it is fresh or `stillEndsWith` vouches for it.
 */
export function seedOf(
  work: Work,
  delivery: { readonly deliveryCount: number; readonly timestampNanos: number },
  nowMs: number,
  stillEndsWith: StillEndsWith = () => false,
): readonly RecordedEvent[] | undefined {
  const events = work.firstCommit;
  if (events === undefined || delivery.deliveryCount !== 1) return undefined;
  if (concurrencyLimitOf(events[0].data as TaskDue['data']) === undefined) return events;
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
