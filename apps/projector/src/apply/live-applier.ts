import type { RecordedEvent } from '@sched/contracts';
import type { ReadModelStore } from '../store/read-model.store';
import { ApplyWorker, BatchFailedError } from './apply-worker';

/**
 * Where the projector applies live batches. With a database file, in a worker thread of its own (ApplyWorker):
 * folding and writing SQLite took ~13% of the standalone app's one thread at full load, time that thread needs to
 * read, relay and execute. Queries keep reading in the projector's thread on its own connection (WAL: they see each
 * committed batch, never half of one). An in-memory database, which no other connection can open, is applied in
 * this thread, and so is everything after the worker died (a batch it took with it is applied again: batches are
 * idempotent by checkpoint).
 */
export class LiveApplier {
  private worker?: ApplyWorker;

  constructor(
    private readonly store: ReadModelStore,
    inWorker: boolean,
    private readonly onWorkerLost: (error: unknown) => void,
  ) {
    const file = store.file();
    if (inWorker && file) this.worker = new ApplyWorker(file, { deferIndexes: false });
  }

  /** True while batches go to the worker thread. */
  get inWorker(): boolean {
    return this.worker !== undefined;
  }

  /**
   * The checkpoint after the batch: at once when applied in this thread (which throws if the batch fails), as a
   * promise from the worker (which rejects with BatchFailedError if it fails; nothing of it is then committed).
   */
  apply(events: readonly RecordedEvent[]): number | Promise<number> {
    const worker = this.worker;
    if (!worker) return this.store.applyBatch(events);
    return worker.apply(events).catch((error: unknown) => {
      if (error instanceof BatchFailedError) throw error;
      if (this.worker === worker) {
        this.worker = undefined;
        void worker.close();
        this.onWorkerLost(error);
      }
      return this.store.applyBatch(events);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.close();
  }
}
