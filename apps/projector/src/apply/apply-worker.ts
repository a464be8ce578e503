import { Worker } from 'node:worker_threads';
import type { RecordedEvent } from '@sched/contracts';
import { threadEntry } from '../../../thread-entry';
import type { ApplyReply, ApplyRequest, ApplyWorkerData } from './apply-protocol';

/** The worker could not apply a batch (it answered 'failed'): the batch changed nothing, the worker lives on. */
export class BatchFailedError extends Error {
  constructor(message: string) {
    super(`apply worker: ${message}`);
    this.name = 'BatchFailedError';
  }
}

/**
 * A worker thread with its own connection to the read-model database file: applies batches in the order given,
 * each with its checkpoint in one transaction, one reply per batch. Any other rejection means the worker is gone
 * (it failed to start, crashed or exited).
 */
export class ApplyWorker {
  private readonly worker: Worker;
  private readonly waiting: { resolve: (reply: ApplyReply) => void; reject: (error: Error) => void }[] = [];
  private failure?: Error;

  constructor(file: string, options: { deferIndexes: boolean }) {
    const entry = threadEntry(__dirname, 'apply-worker.thread');
    const workerData: ApplyWorkerData = { file, deferIndexes: options.deferIndexes };
    this.worker = new Worker(entry.file, { workerData, execArgv: entry.execArgv });
    this.worker.on('message', (reply: ApplyReply) => this.waiting.shift()?.resolve(reply));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the apply worker exited (code ${code})`)));
  }

  /** Resolves with the checkpoint once the batch is committed; BatchFailedError if it could not be applied. */
  async apply(events: readonly RecordedEvent[]): Promise<number> {
    const reply = await this.send({ type: 'apply', events });
    if (reply.type === 'failed') throw new BatchFailedError(reply.message);
    return reply.type === 'applied' ? reply.position : Number.NaN;
  }

  async close(): Promise<void> {
    if (!this.failure) await this.send({ type: 'close' }).catch(() => undefined);
    await this.worker.terminate();
  }

  private send(request: ApplyRequest): Promise<ApplyReply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      try {
        this.worker.postMessage(request);
      } catch (error) {
        // Not sent (a value the structured clone cannot copy): no reply will come for it, so its place in the
        // queue goes too, or every later reply (close's included) would answer the request before it.
        this.waiting.pop();
        reject(error as Error);
      }
    });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.waiting.splice(0)) waiter.reject(this.failure);
  }
}
