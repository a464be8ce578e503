import { setTimeout as sleep } from 'node:timers/promises';
import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { ErrorCode, SchedError, errorMessage, type RecordedEvent } from '@sched/contracts';
import type { EventStore, EventSubscription } from '@sched/event-store';
import { EVENT_STORE } from '@sched/messaging';
import { LiveApplier } from './apply/live-applier';
import { replayInWorker } from './rebuild/replay-in-worker';
import { ReadModelStore } from './store/read-model.store';
import { foreignCheckpoint } from './store/checkpoint-origin';

export interface ProjectorOptions {
  /**
   * Most events applied in one transaction. Live, a batch is what arrived within `maxDelayMs` (far fewer); the cap
   * matters when catching up or rebuilding, where each commit rewrites the index pages it touched, so bigger batches
   * are cheaper per event (200k-event rebuild, measured: 500 → ~48k events/s, 2000 → ~79k events/s).
   */
  readonly maxBatch: number;
  /**
   * The cap during a rebuild, when nobody waits for a single event: bigger batches apply faster (200k events,
   * measured: 2000 → ~39k events/s, 10000 → ~47k events/s with attempts and stats) at the price of ~0.2 s batches.
   */
  readonly rebuildBatch: number;
  /** How long the first event of a batch waits for company before the batch is applied anyway. */
  readonly maxDelayMs: number;
  /**
   * Live, the least time from one batch to the next: what arrives meanwhile waits and goes as one bigger batch,
   * unless a query waits for a position (read-your-writes is never held back). Idle, the first event still goes
   * after `maxDelayMs`. Each commit rewrites every index page it touched: with 100k tasks an execution touches ~5
   * random ones, and at 1k executions/s batches of what arrived in 5 ms (~13 executions) cost the apply worker 0.40
   * of a core; one batch per 50 ms 0.32, per 200 ms 0.25 (measured, 100k schedules benchmark).
   */
  readonly minBatchIntervalMs: number;
  /** Pause before re-subscribing from the checkpoint after a failed batch or a broken subscription. */
  readonly retryDelayMs: number;
  /** Live batches are applied in a worker thread when the database is a file (see LiveApplier). */
  readonly applyInWorker: boolean;
}
export const PROJECTOR_OPTIONS = Symbol('PROJECTOR_OPTIONS');
export const DEFAULT_PROJECTOR_OPTIONS: ProjectorOptions = {
  maxBatch: 2000,
  rebuildBatch: 10_000,
  maxDelayMs: 5,
  minBatchIntervalMs: 100,
  retryDelayMs: 1000,
  applyInWorker: true,
};

export interface RebuildResult {
  readonly events: number;
  readonly position: number;
  readonly durationMs: number;
}

interface Waiter {
  readonly position: number;
  readonly resolve: () => void;
}

/**
 * Keeps the SQLite read models up to date: subscribes to all events after its checkpoint and applies them in
 * batches, each batch and its checkpoint in one transaction. A failed batch changes nothing; the projector then
 * re-subscribes from the checkpoint, so no event is lost or applied twice.
 */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(ProjectorService.name);
  private readonly options: ProjectorOptions;
  private readonly waiters = new Set<Waiter>();
  private current = 0;
  private applied = 0;
  private pending: RecordedEvent[] = [];
  private flushTimer?: NodeJS.Timeout;
  /** When the last batch went to be applied (performance.now()). */
  private lastBatchAtMs = Number.NEGATIVE_INFINITY;
  private applier?: LiveApplier;
  /** The batch the worker is applying (one at a time); settles without rejecting. */
  private applying?: Promise<void>;
  private subscription?: EventSubscription;
  private failure?: unknown;
  private running?: Promise<void>;
  private stopSignal?: AbortController;
  private rebuilding?: Promise<RebuildResult>;
  /** Aborted by `stop` while a rebuild replays in a worker (the follow loop is not running then). */
  private rebuildStop?: AbortController;

  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    private readonly store: ReadModelStore,
    @Optional() @Inject(PROJECTOR_OPTIONS) options?: Partial<ProjectorOptions>,
  ) {
    this.options = { ...DEFAULT_PROJECTOR_OPTIONS, ...options };
    this.moveTo(store.checkpoint());
  }

  /** Follows the log from the checkpoint, or rebuilds first when the read models are another log's (foreignCheckpoint). */
  async onApplicationBootstrap(): Promise<void> {
    const foreign = await foreignCheckpoint(this.eventStore, this.store.checkpointEvent()).catch((error: unknown) => {
      this.logger.warn(`could not check that the read models are this log's (${String(error)}); following from their checkpoint`);
      return undefined;
    });
    if (foreign === undefined) return this.start();
    this.logger.warn(`${foreign}: the read models were built from another event log; rebuilding them from this one`);
    // Emptied at once: no query may be answered from the other log's rows, nor a minPosition read by its positions.
    this.store.reset();
    this.moveTo(0);
    void this.rebuild().catch((error: unknown) => this.logger.error(`rebuild of the read models failed: ${String(error)}`));
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Global position of the last event the read models include. */
  position(): number {
    return this.current;
  }

  /** Global position of the newest event in the log (what the read models will include once they catch up). */
  headPosition(): Promise<number> {
    return this.eventStore.headPosition();
  }

  /** Events committed to the read models since this instance was created (for throughput figures). */
  eventsApplied(): number {
    return this.applied;
  }

  /** Starts following the log from the checkpoint, in the background. Idempotent. */
  start(): void {
    if (this.running) return;
    const signal = (this.stopSignal = new AbortController());
    // While a rebuild catches up its indexes are deferred, and a worker's open would recreate them: this thread then.
    this.applier = new LiveApplier(this.store, this.options.applyInWorker && !this.rebuilding, (error) =>
      this.logger.warn(`the projector's apply worker stopped (${String(error)}); applying in this thread from now on`),
    );
    this.running = this.run(signal.signal);
  }

  /** Applies what has arrived, closes the subscription and waits for the loop to end. Idempotent. */
  async stop(): Promise<void> {
    this.rebuildStop?.abort();
    if (!this.running) return;
    this.stopSignal?.abort();
    this.tryFlush();
    while (this.applying) await this.applying; // each settled batch sends what arrived meanwhile
    await this.subscription?.close().catch(() => undefined);
    await this.running;
    this.running = undefined;
    await this.applier?.close();
    this.applier = undefined;
  }

  /** True while live batches are applied in a worker thread (see LiveApplier). */
  appliesInWorker(): boolean {
    return this.applier?.inWorker ?? false;
  }

  /**
   * Resolves once the read models include `position` (read-your-writes after a command); rejects with UNAVAILABLE
   * after `timeoutMs`. Without a timeout it waits as long as it takes (a rebuild).
   */
  waitForPosition(position: number, timeoutMs?: number): Promise<void> {
    if (this.current >= position) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              this.waiters.delete(waiter);
              const message = `read model is behind: at position ${this.current}, not yet at ${position}`;
              const details = { position: this.current, minPosition: position, timeoutMs };
              reject(new SchedError(ErrorCode.UNAVAILABLE, message, details));
            }, timeoutMs);
      const waiter: Waiter = {
        position,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.add(waiter);
      // A batch held back by minBatchIntervalMs goes now: someone waits for it.
      if (this.flushTimer && this.pending.length > 0) {
        clearTimeout(this.flushTimer);
        this.flushTimer = undefined;
        this.flushLater();
      }
    });
  }

  /**
   * Drops every read-model table and replays the whole log into fresh ones; the projector then follows live.
   * Queries meanwhile see the tables filling up (a `minPosition` read waits for its position as usual), without
   * their secondary indexes until the replay is done. With a database file the log up to the head is applied by a
   * worker thread while this one reads it; should the worker fail, this thread applies the rest.
   * A second call while one runs gets the same result instead of starting over.
   */
  rebuild(): Promise<RebuildResult> {
    this.rebuilding ??= this.replayFromStart().finally(() => (this.rebuilding = undefined));
    return this.rebuilding;
  }

  private async replayFromStart(): Promise<RebuildResult> {
    const started = performance.now();
    await this.stop();
    this.store.reset({ deferIndexes: true });
    this.moveTo(0);
    const appliedBefore = this.applied;
    const file = this.store.file();
    const stopped = (this.rebuildStop = new AbortController()).signal;
    try {
      if (file) await this.replayInWorker(file, stopped).catch((error: unknown) => this.workerFailed(error, stopped));
      if (stopped.aborted) throw new Error('the projector stopped during the rebuild');
      // Follows from the checkpoint: what the worker did not apply (all of the log without one), then live.
      this.start();
      await this.waitForPosition(await this.eventStore.headPosition());
    } finally {
      this.rebuildStop = undefined;
      if (!stopped.aborted) this.start(); // whatever failed, the projector must not stay stopped (unless told to)
      this.store.buildDeferredIndexes();
    }
    // Caught up in this thread (see start); from the checkpoint on, batches go to a worker again.
    if (!stopped.aborted && this.options.applyInWorker && this.store.file()) await this.restartAfterRebuild();
    return { events: this.applied - appliedBefore, position: this.current, durationMs: performance.now() - started };
  }

  private async restartAfterRebuild(): Promise<void> {
    const rebuilding = this.rebuilding;
    this.rebuilding = undefined; // start() may use the worker now
    await this.stop();
    this.start();
    this.rebuilding = rebuilding;
  }

  /** A database file another thread can open: the log up to the head is applied there while this thread reads. */
  private async replayInWorker(file: string, signal: AbortSignal): Promise<void> {
    await replayInWorker({
      eventStore: this.eventStore,
      file,
      head: await this.eventStore.headPosition(),
      batchSize: this.options.rebuildBatch,
      signal,
      onApplied: (position, events) => {
        this.applied += events;
        this.moveTo(position);
      },
    });
  }

  /** Whatever the worker applied stays (checkpointed); this thread goes on from there, only slower. */
  private workerFailed(error: unknown, stopped: AbortSignal): void {
    if (stopped.aborted) return; // told to stop: the worker's end is no failure
    const reason = errorMessage(error);
    this.logger.warn(`rebuild worker failed (${reason}); applying the rest of the log in this thread`);
  }

  private async run(stop: AbortSignal): Promise<void> {
    while (!stop.aborted) {
      try {
        await this.follow(stop);
      } catch (error) {
        if (stop.aborted) break;
        const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
        this.logger.error(`projection failed after position ${this.current}; resuming from the checkpoint`, reason);
        await sleep(this.options.retryDelayMs, undefined, { signal: stop }).catch(() => undefined);
      }
    }
  }

  /** One subscription's life: from the checkpoint until it ends, breaks, a batch fails, or the projector stops. */
  private async follow(stop: AbortSignal): Promise<void> {
    while (this.applying) await this.applying; // a batch of the previous subscription still lands: read after it
    this.pending = [];
    this.failure = undefined;
    this.moveTo(this.store.checkpoint());
    const from = this.current > 0 ? { after: this.current } : ('start' as const);
    const subscription = (this.subscription = this.eventStore.subscribeAll({ from }));
    try {
      for await (const event of subscription) {
        if (stop.aborted || this.failure) break;
        this.pending.push(event);
        if (this.pending.length >= (this.rebuilding ? this.options.rebuildBatch : this.options.maxBatch)) {
          if (this.applying) await this.applying; // the worker is behind: read no further until it took this batch
          this.flush();
        } else this.flushLater(subscription);
      }
    } finally {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
      this.subscription = undefined;
      await subscription.close().catch(() => undefined);
    }
    if (this.failure) throw this.failure;
    if (!stop.aborted) throw new Error('event subscription ended');
  }

  /**
   * Applies what is pending after `atLeastMs` (a first event waits `maxDelayMs` for company), and no sooner than
   * `minBatchIntervalMs` after the last batch unless someone waits for a position or the projector stops.
   */
  private flushLater(subscription = this.subscription, atLeastMs = this.options.maxDelayMs): void {
    if (this.flushTimer) return;
    const held = this.waiters.size > 0 || this.stopSignal?.signal.aborted ? 0 : this.lastBatchAtMs + this.options.minBatchIntervalMs - performance.now();
    const delayMs = Math.max(atLeastMs, held);
    if (delayMs <= 0) this.flushOrEnd(subscription);
    else this.flushTimer = setTimeout(() => this.flushOrEnd(subscription), delayMs);
  }

  /** A batch failing outside the loop (in the timer, or after the worker's last batch) ends the subscription: `follow` starts over. */
  private flushOrEnd(subscription = this.subscription): void {
    try {
      this.flush();
    } catch (error) {
      this.endWith(error, subscription);
    }
  }

  private endWith(error: unknown, subscription = this.subscription): void {
    this.failure = error;
    void subscription?.close().catch(() => undefined);
  }

  /** On stop: what arrived is applied if it can be; if not, the checkpoint did not move and it comes again. */
  private tryFlush(): void {
    try {
      this.flush();
    } catch (error) {
      this.logger.warn(`could not apply the last batch on stop: ${String(error)}`);
    }
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    // After a failed batch nothing more may be applied until `follow` re-reads from the checkpoint: a later batch
    // would move the checkpoint past the events that failed. One batch in the worker at a time: what arrives
    // meanwhile goes as the next (bigger) batch once it is done.
    if (this.pending.length === 0 || this.failure || this.applying || !this.applier) return;
    const batch = this.pending;
    this.pending = [];
    this.lastBatchAtMs = performance.now();
    const result = this.applier.apply(batch);
    if (typeof result === 'number') return this.committed(batch.length, result);
    this.applying = result.then(
      (position) => {
        this.applying = undefined;
        this.committed(batch.length, position);
        if (this.pending.length > 0) this.flushLater(undefined, 0);
      },
      (error: unknown) => {
        this.applying = undefined;
        this.endWith(error); // `follow` ends, throws the failure and starts over from the checkpoint
      },
    );
  }

  private committed(events: number, position: number): void {
    this.applied += events;
    this.moveTo(position);
  }

  /**
   * The read models now include `position` (0: emptied): queries waiting for it (or less) go ahead. Every change of
   * `current` goes through here: `follow` re-reading a checkpoint that a batch moved though its result was lost
   * (a failure after the commit) set it directly, and whoever waited for it (a minPosition query, a rebuild's or the
   * start's catch-up, so the instance's readiness) waited for the next batch: on an idle log, for ever.
   */
  private moveTo(position: number): void {
    this.current = position;
    for (const waiter of this.waiters) {
      if (waiter.position > this.current) continue;
      this.waiters.delete(waiter);
      waiter.resolve();
    }
  }
}
