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
 * /metrics, counting what it did itself: here the relay its work items and the executor its attempts.
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

  async function startWithMetrics(app: string): Promise<string> {
    const port = await freePort();
    const process_ = spawnApp(app, { NATS_URL: nats.url, DATA_DIR: dataDir, INSTANCE_ID: app, LOG_LEVEL: 'warn', METRICS_PORT: String(port) });
    apps.push(process_);
    await process_.waitForOutput(`sched-${app} ready`, 60_000);
    return `http://127.0.0.1:${port}/metrics`;
  }

  const scrape = async (url: string): Promise<string> => (await fetch(url)).text();

  it('the relay and an executor each report their own work on their own port', async () => {
    const [relay, executor] = await Promise.all([startWithMetrics('relay'), startWithMetrics('executor')]);
    const executionId = `metrics@${Date.now()}`;
    const due = { taskId: 'metrics', executionId, executor: 'noop', config: {}, scheduledAt: new Date().toISOString(), reason: 'schedule' as const, taskRevision: 0 };
    const events = executionDecider.decide({ type: 'ScheduleExecution', data: due }, executionDecider.initialState());
    await store.append(toExecutionStreamId(executionId), toEnvelopes(events, { correlationId: executionId, causationId: 'test', actor: 'test', nowMs: Date.now() }), { expected: 'no_stream' });

    const attempts = /^sched_executions_total\{outcome="succeeded",executor="noop"\} 1$/m;
    const executorMetrics = await waitFor(async () => { const body = await scrape(executor); return attempts.test(body) && body; }, 20_000, 'the executor to count the attempt');
    expect(executorMetrics).toContain('sched_process_cpu_seconds_total');
    const relayMetrics = await scrape(relay);
    expect(relayMetrics).toMatch(/^sched_work_enqueued_total\{executor="noop"\} 1$/m);
    expect(relayMetrics).not.toMatch(attempts); // each process counts only what it did
  }, 90_000);
});
