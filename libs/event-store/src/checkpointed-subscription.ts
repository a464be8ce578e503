import type { RecordedEvent } from '@sched/contracts';
import type {
  CheckpointedSubscription,
  CheckpointedSubscriptionOptions,
  EventStore,
  EventSubscription,
  HandlerPending,
} from './event-store.port';
import { PendingWindow } from './pending-window';

/** Where a store keeps subscriber checkpoints (NATS KV, a map in memory). */
export interface CheckpointStore {
  load(name: string): Promise<number | undefined>;
  save(name: string, position: number): Promise<void>;
}

/** Save after this many completed events or this long after the first unsaved one, whichever comes first. */
const SAVE_EVERY_EVENTS = 1000;
const SAVE_EVERY_MS = 100;
/** Back-off between redeliveries after handler errors, so a handler that always fails does not spin. */
const RETRY_MIN_MS = 20;
const RETRY_MAX_MS = 5000;
const DEFAULT_MAX_PENDING = 256;
/** How often an idle subscription moves its checkpoint to where the log has been read (see readThrough). */
const IDLE_ADVANCE_MS = 1000;

/**
 * At-least-once, in-order delivery on top of subscribeAll: the handler runs serially; the checkpoint is the position
 * of the last completed event (one whose pending work, and all before it, settled); a handler error re-subscribes
 * from that position, so the failed event comes again.
 */
export async function startCheckpointedSubscription(
  store: Pick<EventStore, 'subscribeAll' | 'headPosition'>,
  checkpoints: CheckpointStore,
  options: CheckpointedSubscriptionOptions,
): Promise<CheckpointedSubscription> {
  const { name, filter, handler, onError } = options;
  const maxPending = Math.max(1, options.maxPending ?? DEFAULT_MAX_PENDING);
  const stored = await checkpoints.load(name);
  // 'end' must become a fixed position now: a redelivery after an error must not jump to a later head.
  const initialAfter =
    stored ?? (options.from === 'end' ? await store.headPosition() : options.from === 'start' ? 0 : options.from.after);
  let lastProcessed = stored;
  let savedPosition = stored;
  if (stored === undefined && options.from !== 'start') {
    // The start is fixed at the first open, not at each open until an event is done: a process stopped before its
    // first event would otherwise start at the head again and skip what was appended while it was down.
    await checkpoints.save(name, initialAfter);
    savedPosition = initialAfter;
  }
  let unsaved = 0;
  let saveTimer: NodeJS.Timeout | undefined;
  let saving: Promise<void> = Promise.resolve();
  let closed = false;
  let current: EventSubscription | undefined;
  let currentWindow: PendingWindow | undefined;
  let wakeRetry: (() => void) | undefined;

  const save = (): Promise<void> => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = undefined;
    unsaved = 0;
    // Serialised, and each save writes the latest position when it starts, so the checkpoint never moves back.
    saving = saving.then(async () => {
      const position = lastProcessed;
      if (position === undefined || position === savedPosition) return;
      try {
        await checkpoints.save(name, position);
        savedPosition = position;
      } catch {
        // The store is unreachable: keep going, the next save (or close) writes a later position.
      }
    });
    return saving;
  };

  const completed = (event: RecordedEvent): void => {
    lastProcessed = event.position;
    unsaved += 1;
    if (unsaved >= SAVE_EVERY_EVENTS) void save();
    else if (!saveTimer) saveTimer = setTimeout(() => void save(), SAVE_EVERY_MS);
  };

  /**
   * Waiting with nothing pending, past every event it was handed: the checkpoint moves to where the log has been read
   * (a filter that matches little, a retry or a failure, kept it at its last match: a restart read the whole log).
   */
  const advanceWhileIdle = (): void => {
    const through = current?.readThrough?.();
    if (through === undefined || !currentWindow?.idle || through <= (lastProcessed ?? initialAfter)) return;
    lastProcessed = through;
    void save();
  };
  const idleAdvance = setInterval(advanceWhileIdle, IDLE_ADVANCE_MS);
  idleAdvance.unref();

  const pause = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wakeRetry = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const report = (error: unknown, event: RecordedEvent): void => {
    try {
      onError?.(error, event);
    } catch {
      // A throwing error callback must not stop the subscription.
    }
  };

  /** Feeds one subscription to the handler until it ends, the handler (or its pending work) fails or we close. */
  const deliver = async (subscription: EventSubscription): Promise<void> => {
    const window = new PendingWindow(completed);
    currentWindow = window;
    let failed: { error: unknown; event: RecordedEvent } | undefined;
    try {
      for await (const event of subscription) {
        if (closed) return;
        let outcome: void | HandlerPending;
        try {
          outcome = await handler(event);
        } catch (error) {
          failed = { error, event };
          return;
        }
        window.add(event, outcome?.pending);
        await window.waitBelow(maxPending);
        if (window.failure) return;
        failures = 0;
      }
    } finally {
      // What settles before the redelivery (or the close) still moves the checkpoint: less to redo.
      await window.settle();
      failed = window.failure ?? failed;
      if (failed) report(failed.error, failed.event);
    }
  };

  let failures = 0;
  const run = async (): Promise<void> => {
    while (!closed) {
      const subscription = store.subscribeAll({ from: { after: lastProcessed ?? initialAfter }, filter });
      current = subscription;
      // The subscription itself failing (store unreachable for too long) is retried like a handler error.
      await deliver(subscription).catch(() => undefined);
      await subscription.close().catch(() => undefined);
      if (closed) break;
      failures += 1;
      await pause(Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(failures - 1, 16)));
      wakeRetry = undefined;
    }
  };
  const running = run();

  return {
    lastProcessed: () => lastProcessed,
    close: async () => {
      if (closed) return running;
      closed = true;
      clearInterval(idleAdvance);
      wakeRetry?.();
      await current?.close();
      await running;
      await save();
    },
  };
}
