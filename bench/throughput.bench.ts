/**
 * End-to-end throughput, side by side with BullMQ in one run.
 *  sched:  N no-op executions through the whole pipeline — TaskDue appended (as the timer does), relayed to the
 *          work queue, run by an executor actor (TaskStarted + TaskSucceeded appended), projected into SQLite.
 *  BullMQ: N no-op jobs added (addBulk) and processed by a Worker, on a private redis-server.
 * Run: npm run bench (needs nats-server and redis-server on PATH).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Subjects, toExecutionStreamId } from '@sched/contracts';
import { executionDecider } from '@sched/domain';
import { createJetStreamEventStore, toEnvelopes } from '@sched/event-store';
import { connectNats, loadConfig } from '@sched/messaging';
import { ProjectorService } from '../apps/projector/src/projector.service';
import { startStandalone } from '../apps/standalone/src/standalone';
import { report } from './bench-report';
import { startCpuMeter, type CpuUse } from './support/cpu-meter';
import { benchNats, benchRedis } from './support/servers';

const N = Number(process.env.BENCH_EXECUTIONS ?? 20_000);
const WINDOW = 512;

interface RunResult {
  readonly seconds: number;
  readonly perSecond: number;
  readonly cpu: CpuUse;
}

async function schedRun(): Promise<RunResult> {
  const nats = await benchNats();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sched-bench-data-'));
  const config = loadConfig({ NATS_URL: nats.url, DATA_DIR: dataDir, LOG_LEVEL: 'error', INSTANCE_ID: 'bench', EXECUTOR_CONCURRENCY: '256', HTTP_PORT: '0' });
  const app = await startStandalone(config, { shutdownHooks: false, logger: false });
  const nc = await connectNats(nats.url, 'bench-feeder'); // as the timer connects: no async stack traces per request
  const store = await createJetStreamEventStore(nc);
  let succeeded = 0;
  const done = new Promise<void>((resolve) => {
    nc.subscribe(`sched.evt.execution.*.*.TaskSucceeded`, {
      callback: () => {
        succeeded += 1;
        if (succeeded === N) resolve();
      },
    });
  });
  const started = performance.now();
  const cpu = startCpuMeter([nats.pid]);
  let next = 0;
  const feeder = async (): Promise<void> => {
    while (next < N) {
      const i = next++;
      const executionId = `bench@${i}`;
      const events = executionDecider.decide(
        {
          type: 'ScheduleExecution',
          data: { taskId: 'bench', executionId, executor: 'noop', config: {}, scheduledAt: new Date().toISOString(), reason: 'schedule', taskRevision: 0 },
        },
        executionDecider.initialState(),
      );
      const envelopes = toEnvelopes(events, { correlationId: executionId, causationId: 'bench', actor: 'bench', nowMs: Date.now() });
      await store.append(toExecutionStreamId(executionId), envelopes, { expected: 'no_stream' });
    }
  };
  await Promise.all(Array.from({ length: WINDOW }, feeder));
  await done;
  const head = await store.headPosition();
  await app.get(ProjectorService).waitForPosition(head, 120_000);
  const seconds = (performance.now() - started) / 1000;
  const used = cpu();
  await store.close();
  await nc.close();
  await app.close();
  await nats.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
  return { seconds, perSecond: N / seconds, cpu: used };
}

async function bullmqRun(): Promise<RunResult & { redis: string }> {
  const redis = await benchRedis();
  const connection = { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null };
  const queue = new Queue('bench', { connection });
  let completed = 0;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const worker = new Worker('bench', async () => undefined, { connection, concurrency: 256 });
  worker.on('completed', () => {
    completed += 1;
    if (completed === N) resolveDone();
  });
  await worker.waitUntilReady();
  const started = performance.now();
  const cpu = startCpuMeter([redis.pid]);
  for (let i = 0; i < N; i += 1000) {
    await queue.addBulk(Array.from({ length: Math.min(1000, N - i) }, (_, k) => ({ name: 'noop', data: { i: i + k } })));
  }
  await done;
  const seconds = (performance.now() - started) / 1000;
  const used = cpu();
  await worker.close();
  await queue.close();
  await redis.stop();
  return { seconds, perSecond: N / seconds, cpu: used, redis: redis.version };
}

/** A table row: wall-clock rate and the CPU each execution cost, in this process and in its server. */
function row(system: string, run: RunResult): Record<string, string | number> {
  const microseconds = (seconds: number): number => Math.round((seconds * 1e6) / N);
  return {
    system,
    executions: N,
    seconds: run.seconds.toFixed(2),
    'per s': Math.round(run.perSecond),
    'node CPU µs/exec': microseconds(run.cpu.self),
    'server CPU µs/exec': microseconds(run.cpu.servers),
  };
}

async function main(): Promise<void> {
  const sched = await schedRun();
  const bull = await bullmqRun();
  report(
    'throughput',
    [row('sched (JetStream file storage, full history, projected)', sched), row(`BullMQ on Redis ${bull.redis} (in memory)`, bull)],
    { ratio: Number((sched.perSecond / bull.perSecond).toFixed(3)), goal: 1.0 },
  );
  console.log(`ratio sched/BullMQ: ${(sched.perSecond / bull.perSecond).toFixed(2)}× (goal ≥ 1.0×)`);
  process.exit(0);
}

void main();
