import { SchedMetrics } from './sched-metrics';

const valueOf = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('SchedMetrics', () => {
  it('counts fires by kind with the lateness of on-time ones, and attempts by outcome with their durations', async () => {
    const metrics = new SchedMetrics({ defaultMetrics: false });
    metrics.fired('schedule', { latenessMs: 7 });
    metrics.fired('backfill', { count: 3 });
    metrics.attemptEnded('succeeded', 'noop', 1500);
    metrics.attemptEnded('retrying', 'http', 200);
    metrics.attemptEnded('skipped', 'noop');
    metrics.workEnqueued('noop');
    metrics.workReceived('noop', 'log');
    metrics.workReceived('noop', 'log');
    metrics.workReceived('noop', 'queue');
    metrics.firstAttemptStarted('noop', 'ahead', 3);
    metrics.firstAttemptStarted('noop', 'late', 40);
    metrics.firstAttemptStarted('noop', 'late', -2); // a clock read a hair before the instant: on time
    const { body, contentType } = await metrics.exposition();
    expect(contentType).toContain('text/plain');
    expect(valueOf(body, 'sched_fires_total{kind="schedule"}')).toBe(1);
    expect(valueOf(body, 'sched_fires_total{kind="backfill"}')).toBe(3);
    expect(valueOf(body, 'sched_fire_lateness_seconds_count')).toBe(1);
    expect(valueOf(body, 'sched_fire_lateness_seconds_bucket{le="0.01"}')).toBe(1);
    expect(valueOf(body, 'sched_executions_total{outcome="retrying",executor="http"}')).toBe(1);
    expect(valueOf(body, 'sched_execution_duration_seconds_sum{outcome="succeeded",executor="noop"}')).toBe(1.5);
    // An attempt that never ran counts, without a duration.
    expect(valueOf(body, 'sched_execution_duration_seconds_count{outcome="skipped",executor="noop"}')).toBeUndefined();
    expect(valueOf(body, 'sched_work_enqueued_total{executor="noop"}')).toBe(1);
    expect(valueOf(body, 'sched_work_received_total{executor="noop",source="log"}')).toBe(2);
    expect(valueOf(body, 'sched_work_received_total{executor="noop",source="queue"}')).toBe(1);
    expect(valueOf(body, 'sched_schedule_to_start_seconds_count{executor="noop",arrived="ahead"}')).toBe(1);
    expect(valueOf(body, 'sched_schedule_to_start_seconds_bucket{le="0.005",executor="noop",arrived="ahead"}')).toBe(1);
    expect(valueOf(body, 'sched_schedule_to_start_seconds_count{executor="noop",arrived="late"}')).toBe(2);
    expect(valueOf(body, 'sched_schedule_to_start_seconds_sum{executor="noop",arrived="late"}')).toBe(0.04);
  });

  it('an app with no projector reports no projection lag or position (a 0 read as "caught up" in a sum or a min)', async () => {
    const { body } = await new SchedMetrics({ defaultMetrics: false }).exposition();
    // Nor one with no timer a fire lateness histogram (all zeros, as if every fire were on time).
    expect(body).not.toContain('sched_fire_lateness_seconds');
    const withTimer = new SchedMetrics({ defaultMetrics: false });
    withTimer.timerRuns();
    expect(valueOf((await withTimer.exposition()).body, 'sched_fire_lateness_seconds_count')).toBe(0);
    expect(body).not.toContain('sched_projection_lag_seconds');
    expect(valueOf(body, 'sched_projection_lag_seconds')).toBeUndefined();
    expect(valueOf(body, 'sched_projection_position')).toBeUndefined();
  });

  it('reads queue depth and projection lag from their sources when scraped; a failed read is not reported as zero', async () => {
    const metrics = new SchedMetrics({ defaultMetrics: false });
    let depth = { pending: 4, inFlight: 2 };
    metrics.watchWorkQueue(async () => depth);
    metrics.watchProjection(async () => {
      throw new Error('store unreachable');
    });
    let body = (await metrics.exposition()).body;
    expect(valueOf(body, 'sched_work_queue_depth{state="pending"}')).toBe(4);
    expect(valueOf(body, 'sched_work_queue_depth{state="in_flight"}')).toBe(2);
    expect(valueOf(body, 'sched_projection_lag_seconds')).toBeNaN();
    depth = { pending: 0, inFlight: 1 };
    metrics.watchProjection(async () => ({ lagSeconds: 2.5, position: 7000, head: 9000 }));
    body = (await metrics.exposition()).body;
    expect(valueOf(body, 'sched_work_queue_depth{state="pending"}')).toBe(0);
    metrics.watchWorkQueue(async () => {
      throw new Error('NATS down');
    });
    expect(valueOf((await metrics.exposition()).body, 'sched_work_queue_depth{state="pending"}')).toBeUndefined();
    expect(valueOf(body, 'sched_projection_lag_seconds')).toBe(2.5);
    expect(valueOf(body, 'sched_projection_position')).toBe(7000);
  });

  it('answers a scrape in about 2 s when a source hangs (NATS down), the unknown values left out or NaN', async () => {
    const metrics = new SchedMetrics({ defaultMetrics: false });
    const never = new Promise<never>(() => undefined);
    metrics.watchWorkQueue(() => never);
    metrics.watchProjection(() => never);
    const started = Date.now();
    const body = (await metrics.exposition()).body;
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(valueOf(body, 'sched_work_queue_depth{state="pending"}')).toBeUndefined();
    expect(valueOf(body, 'sched_projection_lag_seconds')).toBeNaN();
  });

  it('keeps one registry per instance: two systems in one process do not mix', async () => {
    const a = new SchedMetrics();
    const b = new SchedMetrics();
    a.fired('trigger');
    expect(valueOf((await b.exposition()).body, 'sched_fires_total{kind="trigger"}')).toBeUndefined();
  });

  it("adds another registry's own metrics to its exposition (summed by series), the process-wide defaults once", async () => {
    const main = new SchedMetrics();
    const thread = new SchedMetrics();
    main.addRegistry(() => thread.ownMetrics());
    main.attemptEnded('succeeded', 'noop', 10);
    thread.attemptEnded('succeeded', 'noop', 20);
    thread.attemptEnded('failed', 'http', 30);
    const { body } = await main.exposition();
    expect(valueOf(body, 'sched_executions_total{outcome="succeeded",executor="noop"}')).toBe(2);
    expect(valueOf(body, 'sched_executions_total{outcome="failed",executor="http"}')).toBe(1);
    expect(body.match(/^sched_process_cpu_seconds_total /gm)).toHaveLength(1);
    // A registry that does not answer leaves its metrics out of the scrape, not the scrape out.
    main.addRegistry(() => Promise.reject(new Error('thread gone')));
    expect(valueOf((await main.exposition()).body, 'sched_executions_total{outcome="failed",executor="http"}')).toBe(1);
  });
});
