import { Inject, Injectable, Logger, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Worker } from 'node:worker_threads';
import { SCHED_CONFIG, type SchedConfig } from '@sched/messaging';
import { threadEntry } from '../../thread-entry';

export type ExecutorThreadMessage = { readonly type: 'ready' } | { readonly type: 'closed' } | { readonly type: 'failed'; readonly message: string };

/**
 * The standalone's executor on a worker thread (STANDALONE_EXECUTOR_THREAD=true). With 100k tasks at 1k fires/s the
 * one main thread is 75–85% busy, and an attempt's start waits its turn behind the timer, projector and relay: p99
 * fire lateness 80–164 ms in one thread, 18–28 ms with the executor in a process of its own (README, Benchmarks).
 * A thread gives it an event loop and heap of its own without a second deployable (one run: p99 55 ms, so it gains
 * less than a process; off by default). Its metrics are the thread's own: the standalone's /metrics then lacks the
 * executor's (run it as its own app for those).
 */
@Injectable()
export class ExecutorThread implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ExecutorThread');
  private worker?: Worker;
  private next?: { resolve: (message: ExecutorThreadMessage) => void; reject: (error: Error) => void };

  constructor(@Inject(SCHED_CONFIG) private readonly config: SchedConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    const entry = threadEntry(__dirname, 'executor.thread');
    // No metrics endpoint of its own: the port is the standalone's to serve, not the thread's to take.
    const worker = (this.worker = new Worker(entry.file, { workerData: { ...this.config, metricsPort: undefined }, execArgv: entry.execArgv }));
    worker.on('message', (message: ExecutorThreadMessage) => this.next?.resolve(message));
    worker.on('error', (error) => this.next?.reject(error));
    worker.on('exit', (code) => {
      this.worker = undefined;
      this.next?.reject(new Error(`executor thread exited (${code})`));
      if (code !== 0) this.logger.error(`executor thread exited with code ${code}`);
    });
    const started = await this.reply();
    if (started.type !== 'ready') throw new Error(`executor thread did not start: ${started.type === 'failed' ? started.message : started.type}`);
  }

  /** Shutdown: the executor finishes or puts back what it runs (as the executor app does), then the thread ends. */
  async onModuleDestroy(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    const closed = this.reply().catch((error: Error) => ({ type: 'failed', message: error.message }) as const);
    worker.postMessage('close');
    const result = await closed;
    if (result.type === 'failed') this.logger.warn(`executor thread: ${result.message}`);
    await worker.terminate();
  }

  private reply(): Promise<ExecutorThreadMessage> {
    return new Promise((resolve, reject) => (this.next = { resolve, reject }));
  }
}

@Module({ providers: [ExecutorThread] })
export class ExecutorThreadModule {}
