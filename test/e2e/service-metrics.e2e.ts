import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { toExecutionStreamId } from '@sched/contracts';
import { executionDecider } from '@sched/domain';
import { createJetStreamEventStore, toEnvelopes, type EventStore } from '@sched/event-store';
import { connectNats, freePort } from '@sched/messaging';
import { spawnApp, type AppProcess } from '../support/app-process';
import { startTestNats, type TestNats } from '../support/nats';
import { waitFor } from '../support/system';

/**
 * Services run as separate processes (docker compose) have no HTTP API; with METRICS_PORT each serves its own
 * /metrics, counting what it did itself: here the relay the work items it enqueued and the executor the attempts
 * it took on and ran.
 */
describe('per-service /metrics (METRICS_PORT)', () => {
  let nats: TestNats;
  let dataDir: string;
  let nc: NatsConnection;
  let store: EventStore;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    nats = await startTestNats();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sched-metrics-'));
    nc = await connectNats(nats.url, 'service-metrics-spec');
    store = await createJetStreamEventStore(nc);
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.kill9()));
    await store?.close();
    await nc?.close();
    await nats?.cleanup();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const urls = new Map<string, string>();

  async function startWithMetrics(app: string): Promise<string> {
    const port = await freePort();
    const process_ = spawnApp(app, { NATS_URL: nats.url, DATA_DIR: dataDir, INSTANCE_ID: app, LOG_LEVEL: 'warn', METRICS_PORT: String(port) });
    apps.push(process_);
    await process_.waitForOutput(`sched-${app} ready`, 60_000);
    urls.set(app, `http://127.0.0.1:${port}`);
    return `http://127.0.0.1:${port}/metrics`;
  }

  const scrape = async (url: string): Promise<string> => (await fetch(url)).text();

  async function appendDue(executionId: string): Promise<void> {
    const due = { taskId: 'metrics', executionId, executor: 'noop', config: {}, scheduledAt: new Date().toISOString(), reason: 'schedule' as const, taskRevision: 0 };
    const events = executionDecider.decide({ type: 'ScheduleExecution', data: due }, executionDecider.initialState());
    await store.append(toExecutionStreamId(executionId), toEnvelopes(events, { correlationId: executionId, causationId: 'test', actor: 'test', nowMs: Date.now() }), { expected: 'no_stream' });
  }

  it('the relay and an executor each report their own work on their own port, across the switch to log dispatch', async () => {
    // Due before any service ran (as on a system that dispatched everything through the work queue): the relay's to
    // enqueue. Due once the dispatch consumer exists: the executors take it from the log, the relay enqueues nothing.
    await appendDue(`metrics-before@${Date.now()}`);
    const [relay, executor] = await Promise.all([startWithMetrics('relay'), startWithMetrics('executor')]);
    await appendDue(`metrics-after@${Date.now()}`);

    const attempts = /^sched_executions_total\{outcome="succeeded",executor="noop"\} 2$/m;
    const executorMetrics = await waitFor(async () => { const body = await scrape(executor); return attempts.test(body) && body; }, 20_000, 'the executor to count both attempts');
    expect(executorMetrics).toContain('sched_process_cpu_seconds_total');
    expect(executorMetrics).toMatch(/^sched_work_received_total\{executor="noop",source="queue"\} 1$/m);
    expect(executorMetrics).toMatch(/^sched_work_received_total\{executor="noop",source="log"\} 1$/m);
    const relayMetrics = await scrape(relay);
    expect(relayMetrics).toMatch(/^sched_work_enqueued_total\{executor="noop"\} 1$/m);
    expect(relayMetrics).not.toMatch(/^sched_executions_total\{/m); // each process counts only what it did
    expect(relayMetrics).not.toMatch(/^sched_work_received_total\{/m);
  }, 90_000);

  it('each serves its own /health: 503 naming NATS and the store while nats-server is down, 200 once it is back', async () => {
    const health = async (app: string) => {
      const response = await fetch(`${urls.get(app)}/health`);
      return { code: response.status, body: (await response.json()) as { status: string; instance: string; checks: Record<string, { status: string }> } };
    };
    for (const app of ['relay', 'executor']) {
      expect(await health(app)).toMatchObject({ code: 200, body: { status: 'ok', instance: app, checks: { nats: { status: 'up' }, eventStore: { status: 'up' } } } });
    }
    await nats.stop();
    for (const app of ['relay', 'executor']) {
      const down = await waitFor(async () => { const answer = await health(app); return answer.code === 503 && answer; }, 15_000, `${app} to report NATS down`);
      expect(down.body.checks).toMatchObject({ nats: { status: 'down' }, eventStore: { status: 'down' } });
    }
    await nats.restart();
    for (const app of ['relay', 'executor']) await waitFor(async () => (await health(app)).code === 200, 20_000, `${app} healthy again`);
  }, 90_000);
});
