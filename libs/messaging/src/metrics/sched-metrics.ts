import { AggregatorRegistry, Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type MetricObjectWithValues, type MetricValue } from 'prom-client';

/** How an execution's attempt ended, as the executor recorded it ('retrying': failed or timed out, another attempt follows). */
export type AttemptOutcomeLabel = 'succeeded' | 'failed' | 'retrying' | 'cancelled' | 'skipped' | 'lost' | 'shutdown';
/** What made the timer fire: a schedule on time, a schedule caught up after a misfire, a manual trigger, a backfill. */
export type FireKind = 'schedule' | 'catch-up' | 'trigger' | 'backfill';

/**
 * When an executor got an execution's first attempt: before its instant (`ahead`: held until then, so any lateness
 * of the start is the executor's own) or at or after it (`late`: the timer, the store or the dispatch was late).
 */
export type StartArrival = 'ahead' | 'late';

/** Where an executor's work comes from (see openLogDispatch). */
export type WorkSource = 'log' | 'queue';

export interface WorkQueueDepth {
  /** Items waiting for an executor. */
  readonly pending: number;
  /** Items an executor holds and has not acked yet. */
  readonly inFlight: number;
}

export interface ProjectionLag {
  /** How old the oldest event not yet in the read models is (0 when they are at the head). */
  readonly lagSeconds: number;
  readonly position: number;
  readonly head: number;
}

const SECONDS_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
/** Within a scrape (or two scrapes this close together) the projection's lag is read once. */
const LAG_READ_REUSE_MS = 250;
const DURATION_BUCKETS = [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

/** Metrics in the JSON form prom-client aggregates. */
export type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];

/** Names of prom-client's default metrics (with our prefix): process-wide, so only one registry per process has them. */
const DEFAULT_METRIC_PREFIXES = ['sched_process_', 'sched_nodejs_'];

/**
 * How long a gauge may wait on NATS in a scrape. Past it the value is unknown (left out, or NaN): with NATS down its
 * reads retried for ~20 s, past Prometheus's 10 s scrape timeout, and every metric was lost in the outage.
 */
const GAUGE_READ_MS = 2_000;

/** The value of a gauge's read, or undefined when it fails or takes longer than GAUGE_READ_MS. */
function withinScrape<T>(read: Promise<T> | undefined): Promise<T | undefined> {
  if (!read) return Promise.resolve(undefined);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), GAUGE_READ_MS)));
  return Promise.race([read.catch(() => undefined), late]).finally(() => clearTimeout(timer));
}

/**
 * The Prometheus metrics of one process, in a registry of its own (two systems in one test process do not mix).
 * Each service feeds what it sees: the timer its fires and their lateness, the executor attempt outcomes and
 * durations, the relay the work queue, the projector its lag. Gauges that are cheaper to read than to track
 * (queue depth, projection lag) are read from their source when scraped.
 */
export class SchedMetrics {
  readonly registry = new Registry();
  private readonly otherRegistries: Array<() => Promise<MetricsJson>> = [];
  private queueDepthSource?: () => Promise<WorkQueueDepth>;
  private projectionLagSource?: () => Promise<ProjectionLag>;
  private lagRead?: { readonly atMs: number; readonly value: Promise<ProjectionLag | undefined> };

  private readonly fires = new Counter({
    name: 'sched_fires_total',
    help: 'Executions the timer fired (TaskDue appended), by what made it fire',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  /** Registered once a timer runs here (see timerRuns): an app without one reports no lateness, not a histogram of zeros. */
  private lateness?: Histogram;
  private readonly attempts = new Counter({
    name: 'sched_executions_total',
    help: 'Attempts that ended in this process, by outcome and executor type',
    labelNames: ['outcome', 'executor'] as const,
    registers: [this.registry],
  });
  private readonly durations = new Histogram({
    name: 'sched_execution_duration_seconds',
    help: 'Run time of attempts, from TaskStarted to their recorded end',
    labelNames: ['outcome', 'executor'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly scheduleToStart = new Histogram({
    name: 'sched_schedule_to_start_seconds',
    help:
      "How long after its instant an on-time scheduled execution's first attempt started (TaskStarted − the TaskDue's instant), " +
      'by executor type and by when the executor got it: arrived="ahead" (held until the instant: the lateness is the executor\'s own) or "late"',
    labelNames: ['executor', 'arrived'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  private readonly enqueued = new Counter({
    name: 'sched_work_enqueued_total',
    help: 'Work items the relay put on the executor queue, by executor type (first attempts not dispatched from the log)',
    labelNames: ['executor'] as const,
    registers: [this.registry],
  });
  private readonly received = new Counter({
    name: 'sched_work_received_total',
    help: 'Attempts an executor took on, by executor type and source (log: first attempts from the event log; queue: the work queue)',
    labelNames: ['executor', 'source'] as const,
    registers: [this.registry],
  });

  constructor(options: { readonly defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'sched_' });
    const metrics = this;
    new Gauge({
      name: 'sched_work_queue_depth',
      help: 'Executor work queue: items waiting (pending) and held by an executor (in_flight)',
      labelNames: ['state'] as const,
      registers: [this.registry],
      async collect() {
        const depth = await withinScrape(metrics.queueDepthSource?.());
        // Unknown is left out rather than reported as an empty queue.
        if (!depth) return this.reset();
        this.set({ state: 'pending' }, depth.pending);
        this.set({ state: 'in_flight' }, depth.inFlight);
      },
    });
  }

  /**
   * The projection's gauges, registered once a projector watches (see watchProjection): an app without one reports
   * none, not a lag of 0 (read as "caught up" in any sum or min over the apps).
   */
  private registerProjectionGauges(): void {
    const metrics = this;
    new Gauge({
      name: 'sched_projection_lag_seconds',
      help: 'Age of the oldest committed event the read models have not applied yet (0: at the head)',
      registers: [this.registry],
      async collect() {
        const value = await metrics.readProjectionLag();
        // A lag that could not be read is NaN (unknown), not 0 (caught up).
        this.set(value?.lagSeconds ?? Number.NaN);
      },
    });
    new Gauge({
      name: 'sched_projection_position',
      help: 'Global position of the last event applied to the read models',
      registers: [this.registry],
      async collect() {
        const value = await metrics.readProjectionLag();
        if (value) this.set(value.position);
      },
    });
  }

  /** One read of the projection's lag serves both of its gauges in a scrape. */
  private readProjectionLag(): Promise<ProjectionLag | undefined> {
    const now = Date.now();
    if (!this.lagRead || now - this.lagRead.atMs > LAG_READ_REUSE_MS) {
      this.lagRead = { atMs: now, value: withinScrape(this.projectionLagSource?.()) };
    }
    return this.lagRead.value;
  }

  /** A timer runs in this process: its fire lateness is reported from now on (empty until it fires). */
  timerRuns(): Histogram {
    this.lateness ??= new Histogram({
      name: 'sched_fire_lateness_seconds',
      help: 'How long after its (jittered) due instant an on-time scheduled fire was committed (0 when committed ahead of it: TIMER_FIRE_AHEAD_MS)',
      buckets: SECONDS_BUCKETS,
      registers: [this.registry],
    });
    return this.lateness;
  }

  /** The timer committed `count` TaskDue; `latenessMs` for an on-time scheduled fire (commit time − due instant). */
  fired(kind: FireKind, options: { readonly latenessMs?: number; readonly count?: number } = {}): void {
    this.fires.inc({ kind }, options.count ?? 1);
    if (options.latenessMs !== undefined) this.timerRuns().observe(Math.max(0, options.latenessMs) / 1000);
  }

  /** The executor recorded the end of an attempt that ran for `durationMs` (undefined: it never started). */
  attemptEnded(outcome: AttemptOutcomeLabel, executor: string, durationMs?: number): void {
    this.attempts.inc({ outcome, executor });
    if (durationMs !== undefined) this.durations.observe({ outcome, executor }, durationMs / 1000);
  }

  /** An on-time scheduled execution's first attempt started `latenessMs` after its instant. */
  firstAttemptStarted(executor: string, arrived: StartArrival, latenessMs: number): void {
    this.scheduleToStart.observe({ executor, arrived }, Math.max(0, latenessMs) / 1000);
  }

  workEnqueued(executor: string): void {
    this.enqueued.inc({ executor });
  }

  /** An executor took on an attempt (a free slot, a well-formed item) from the event log or the work queue. */
  workReceived(executor: string, source: WorkSource): void {
    this.received.inc({ executor, source });
  }

  /** The relay tells where the work queue's depth is read from. */
  watchWorkQueue(source: () => Promise<WorkQueueDepth>): void {
    this.queueDepthSource = source;
  }

  /** The projector tells where its lag is read from. */
  watchProjection(source: () => Promise<ProjectionLag>): void {
    if (!this.projectionLagSource) this.registerProjectionGauges();
    this.projectionLagSource = source;
    this.lagRead = undefined;
  }

  /**
   * Metrics another registry of this process keeps (a worker thread's, as `ownMetrics` gives them), added to this
   * one's exposition: counters and histograms of the same name and labels are summed.
   */
  addRegistry(read: () => Promise<MetricsJson>): void {
    this.otherRegistries.push(read);
  }

  /** This registry's metrics without the process-wide defaults (CPU, memory, event loop), for another to add. */
  async ownMetrics(): Promise<MetricsJson> {
    const all = (await this.registry.getMetricsAsJSON()) as MetricsJson;
    return all.filter((metric) => !DEFAULT_METRIC_PREFIXES.some((prefix) => metric.name.startsWith(prefix)));
  }

  /** The text exposition format, for `GET /metrics`. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    if (this.otherRegistries.length === 0) return { contentType: this.registry.contentType, body: await this.registry.metrics() };
    // One that does not answer (a thread gone) leaves its metrics out of this scrape rather than failing it.
    const others = await Promise.all(this.otherRegistries.map((read) => read().catch((): MetricsJson => [])));
    const merged = AggregatorRegistry.aggregate([await this.registry.getMetricsAsJSON(), ...others]);
    return { contentType: merged.contentType, body: await merged.metrics() };
  }
}
