import { Inject, Injectable, Logger, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Worker } from 'node:worker_threads';
import { SCHED_CONFIG, SchedMetrics, type MetricsJson, type SchedConfig } from '@sched/messaging';
import { threadEntry } from '../../thread-entry';
import { RestartBackoff } from './restart-backoff';

export type ExecutorThreadRequest = { readonly type: 'metrics'; readonly id: number } | { readonly type: 'close' };
export type ExecutorThreadReply =
  | { readonly type: 'ready' }
  | { readonly type: 'closed' }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'metrics'; readonly id: number; readonly metrics: MetricsJson };
type LifecycleReply = Exclude<ExecutorThreadReply, { type: 'metrics' }>;

/** A scrape waits this long for the thread's metrics, then goes on without them. */
const METRICS_TIMEOUT_MS = 2_000;
const RESTART_MIN_MS = 500;
const RESTART_MAX_MS = 30_000;
/** A thread up this long was healthy: the next loss restarts it after RESTART_MIN_MS again. */
const RESTART_STABLE_MS = 60_000;

/**
 * The standalone's executor on a worker thread (the default; STANDALONE_EXECUTOR_THREAD=false keeps it on the main
 * thread). With 100k tasks at 1k fires/s the one main thread is 75–85% busy, and an attempt's start waits its turn
 * behind the timer, projector and relay: p99 fire lateness 26–76 ms in one thread against 5–19 ms on a thread of its
 * own (2026-12-06, README, Benchmarks), where it has an event loop and heap of its own without a second deployable;
 * saturated, the two threads also run ~6% more executions a second on two cores. Its price: its code is JIT-cold
 * until it has run some work, so a fresh process's first burst can start late: the executor's start-up warm-up
 * (EXECUTOR_WARMUP) covers its own code, not the thread's nats.js. The standalone's /metrics adds the
 * thread's metrics to its own. A thread that dies after it started is started again (after RESTART_MIN_MS, doubling
 * up to RESTART_MAX_MS while it fails to start or dies within RESTART_STABLE_MS of starting): the rest of the
 * process runs on, and what the dead thread ran comes back from the server.
 */
@Injectable()
export class ExecutorThread implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ExecutorThread');
  private worker?: Worker;
  /** Set once shutdown ends the thread (terminate() exits it with code 1): only an exit before that is an error. */
  private closing = false;
  /** Set when shutdown begins: a thread lost from then on is not started again. */
  private stopping = false;
  /** Set once the first thread was ready: only a thread lost after that is started again (a failed start fails the app). */
  private started = false;
  private readonly backoff = new RestartBackoff(RESTART_MIN_MS, RESTART_MAX_MS, RESTART_STABLE_MS);
  private restartTimer?: NodeJS.Timeout;
  private next?: { resolve: (message: LifecycleReply) => void; reject: (error: Error) => void };
  private readonly metricsAsked = new Map<number, (metrics: MetricsJson) => void>();
  private lastMetricsId = 0;

  constructor(
    @Inject(SCHED_CONFIG) private readonly config: SchedConfig,
    metrics: SchedMetrics,
  ) {
    metrics.addRegistry(() => this.threadMetrics());
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.start();
  }

  private async start(): Promise<void> {
    const entry = threadEntry(__dirname, 'executor.thread');
    // No metrics endpoint of its own: the port is the standalone's to serve, not the thread's to take. The thread's
    // environment (EXECUTOR_MODULES, read by its executor registry) is this module's process.env, named explicitly:
    // the default reads the process's own, which a host that sandboxes process.env (Jest) does not change.
    const workerData = { ...this.config, metricsPort: undefined };
    const worker = (this.worker = new Worker(entry.file, { workerData, execArgv: entry.execArgv, env: process.env }));
    worker.on('message', (message: ExecutorThreadReply) => {
      if (message.type !== 'metrics') this.next?.resolve(message);
      else this.metricsAsked.get(message.id)?.(message.metrics);
    });
    worker.on('error', (error) => this.next?.reject(error));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      this.next?.reject(new Error(`executor thread exited (${code})`));
      if (this.closing) return;
      this.logger.error(`executor thread exited with code ${code}`);
      if (this.started && !this.stopping) this.restartLater();
    });
    const started = await this.reply();
    if (started.type !== 'ready') {
      if (this.started) void worker.terminate(); // a restart that failed: its exit schedules the next try
      throw new Error(`executor thread did not start: ${started.type === 'failed' ? started.message : started.type}`);
    }
    this.started = true;
    this.backoff.started(Date.now());
  }

  private restartLater(): void {
    const delayMs = this.backoff.lost(Date.now());
    this.logger.warn(`starting the executor thread again in ${delayMs} ms`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.start().then(
        () => this.logger.log('executor thread started again'),
        (error: unknown) => this.logger.error(String(error)),
      );
    }, delayMs);
  }

  /** Shutdown: the executor finishes or puts back what it runs (as the executor app does), then the thread ends. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    if (!worker) return;
    const closed = this.reply().catch((error: Error) => ({ type: 'failed', message: error.message }) as const);
    this.send({ type: 'close' });
    const result = await closed;
    if (result.type === 'failed') this.logger.warn(`executor thread: ${result.message}`);
    this.closing = true;
    await worker.terminate();
  }

  /** The thread's executor metrics, for the standalone's /metrics; none once it is gone or when it does not answer. */
  private threadMetrics(): Promise<MetricsJson> {
    if (!this.worker) return Promise.resolve([]);
    const id = ++this.lastMetricsId;
    return new Promise<MetricsJson>((resolve) => {
      const timeout = setTimeout(() => answered([]), METRICS_TIMEOUT_MS);
      const answered = (metrics: MetricsJson): void => {
        clearTimeout(timeout);
        this.metricsAsked.delete(id);
        resolve(metrics);
      };
      this.metricsAsked.set(id, answered);
      this.send({ type: 'metrics', id });
    });
  }

  private send(request: ExecutorThreadRequest): void {
    this.worker?.postMessage(request);
  }

  private reply(): Promise<LifecycleReply> {
    return new Promise((resolve, reject) => (this.next = { resolve, reject }));
  }
}

@Module({ providers: [ExecutorThread] })
export class ExecutorThreadModule {}
