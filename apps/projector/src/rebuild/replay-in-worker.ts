import type { RecordedEvent } from '@sched/contracts';
import type { EventStore } from '@sched/event-store';
import { ApplyWorker } from '../apply/apply-worker';

/** Batches handed over but not yet applied: enough to keep both threads busy, little enough to bound memory. */
const MAX_IN_FLIGHT = 2;

export interface WorkerReplay {
  readonly eventStore: EventStore;
  /** The read-model database file (the worker opens its own connection to it). */
  readonly file: string;
  /** Replays up to here. */
  readonly head: number;
  readonly batchSize: number;
  readonly signal: AbortSignal;
  /** Called with the checkpoint after each committed batch, in order. */
  readonly onApplied: (position: number, events: number) => void;
}

/**
 * Replays the log from the start into freshly reset tables: this thread reads and decodes, a worker thread folds and
 * writes, batch by batch, so the two costs overlap instead of adding up (1M events from JetStream, measured on 2
 * cores: 21k events/s in one thread, 40k/s this way). Ends at `head`, or early when `signal` aborts.
 */
export async function replayInWorker(replay: WorkerReplay): Promise<void> {
  if (replay.head <= 0) return;
  const worker = new ApplyWorker(replay.file, { deferIndexes: true });
  const subscription = replay.eventStore.subscribeAll({ from: 'start' });
  const abort = (): void => void subscription.close().catch(() => undefined);
  replay.signal.addEventListener('abort', abort, { once: true });
  const inFlight: { applied: Promise<number>; events: number }[] = [];
  const settleOldest = async (): Promise<void> => {
    const { applied, events } = inFlight.shift()!;
    replay.onApplied(await applied, events);
  };
  try {
    let batch: RecordedEvent[] = [];
    for await (const event of subscription) {
      if (replay.signal.aborted) break;
      batch.push(event);
      const atHead = event.position >= replay.head;
      if (batch.length >= replay.batchSize || atHead) {
        const applied = worker.apply(batch);
        applied.catch(() => undefined); // awaited in order below; a failure surfaces there
        inFlight.push({ applied, events: batch.length });
        batch = [];
        if (inFlight.length >= MAX_IN_FLIGHT) await settleOldest();
      }
      if (atHead) break;
    }
    while (inFlight.length > 0) await settleOldest();
  } finally {
    replay.signal.removeEventListener('abort', abort);
    await subscription.close().catch(() => undefined);
    await worker.close();
  }
}
