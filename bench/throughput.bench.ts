/**
 * End-to-end throughput, side by side with BullMQ in one run.
 *  sched:  N no-op executions through the whole pipeline — TaskDue appended (as the timer does), dispatched from the
 *          log, run by an executor actor (TaskStarted + TaskSucceeded appended), published live, projected into SQLite.
 *  floor:  the same messages per execution on JetStream with none of sched's code (support/jetstream-floor.ts).
 *  BullMQ: N no-op jobs added (addBulk) and processed by a Worker, on a private redis-server.
 * Each side first runs WARMUP executions unmeasured, on the same servers: a scheduler is a long-running service, and
 * a cold start (JIT compiling the hot paths) otherwise weighs on a run of a few seconds (~12% for sched, measured).
 * Run: npm run bench (needs nats-server and redis-server on PATH).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Queue, Worker } from 'bullmq';
import { toExecutionStreamId } from '@sched/contracts';
import { executionDecider } from '@sched/domain';
import { createJetStreamEventStore, toEnvelopes, within } from '@sched/event-store';
import { connectNats, loadConfig } from '@sched/messaging';
import { ProjectorService } from '../apps/projector/src/projector.service';
import { startStandalone } from '../apps/standalone/src/standalone';
import { report } from './bench-report';
import { Completions } from './support/completions';
import { startCpuMeter, type CpuUse } from './support/cpu-meter';
import { startJetStreamFloor } from './support/jetstream-floor';
import { benchNats, benchRedis } from './support/servers';

const N = Number(process.env.BENCH_EXECUTIONS ?? 20_000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2_000);
const WINDOW = 512;
const EXECUTOR_CONCURRENCY = 256;

interface RunResult {
  readonly seconds: number;
  readonly perSecond: number;
  readonly cpu: CpuUse;
}

/** One side of the comparison, started: `batch(count)` runs `count` more executions and resolves when all are done. */
interface Side {
  readonly serverPid: number | undefined;
  batch(count: number): Promise<void>;
  stop(): Promise<void>;
}

/** A batch that has not finished by then is stuck (a lost execution would leave it waiting forever): fail instead. */
const BATCH_TIMEOUT_MS = 300_000;

const bounded = <T>(work: Promise<T>, what: string): Promise<T> =>
  within(work, BATCH_TIMEOUT_MS, () => new Error(`${what} did not finish within ${BATCH_TIMEOUT_MS / 1000} s`));

/** Warms the side up, then measures N executions: wall time and CPU (this process and the side's server). */
async function measure(side: Side): Promise<RunResult> {
  try {
    await bounded(side.batch(WARMUP), `the warm-up of ${WARMUP} executions`);
    const cpu = startCpuMeter([side.serverPid]);
    const started = performance.now();
    await bounded(side.batch(N), `the ${N} measured executions`);
    const seconds = (performance.now() - started) / 1000;
    return { seconds, perSecond: N / seconds, cpu: cpu() };
  } finally {
    await side.stop();
  }
}

async function startSched(): Promise<Side> {
  const nats = await benchNats();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sched-bench-data-'));
  const config = loadConfig({ NATS_URL: nats.url, DATA_DIR: dataDir, LOG_LEVEL: 'error', INSTANCE_ID: 'bench', EXECUTOR_CONCURRENCY: String(EXECUTOR_CONCURRENCY), HTTP_PORT: '0' });
  const app = await startStandalone(config, { shutdownHooks: false, logger: false });
  const nc = await connectNats(nats.url, 'bench-feeder'); // as the timer connects: no async stack traces per request
  const store = await createJetStreamEventStore(nc);
  const succeeded = new Completions();
  nc.subscribe(`sched.evt.execution.*.*.TaskSucceeded`, { callback: () => succeeded.add() });
  let fed = 0;
  const append = async (i: number): Promise<void> => {
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
  };
  return {
    serverPid: nats.pid,
    batch: async (count) => {
      const end = fed + count;
      const reached = succeeded.until(end);
      const feeder = async (): Promise<void> => {
        while (fed < end) await append(fed++);
      };
      await Promise.all(Array.from({ length: WINDOW }, feeder));
      await reached;
      await app.get(ProjectorService).waitForPosition(await store.headPosition(), 120_000);
    },
    stop: async () => {
      await store.close();
      await nc.close();
      await app.close();
      await nats.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function startFloor(): Promise<Side> {
  const nats = await benchNats();
  const floor = await startJetStreamFloor(nats.url, WINDOW, EXECUTOR_CONCURRENCY);
  return {
    serverPid: nats.pid,
    batch: (count) => floor.batch(count),
    stop: async () => {
      await floor.close();
      await nats.cleanup();
    },
  };
}

async function startBullmq(): Promise<Side & { readonly redis: string }> {
  const redis = await benchRedis();
  const connection = { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null };
  const queue = new Queue('bench', { connection });
  const completed = new Completions();
  const worker = new Worker('bench', async () => undefined, { connection, concurrency: EXECUTOR_CONCURRENCY });
  worker.on('completed', () => completed.add());
  await worker.waitUntilReady();
  let added = 0;
  return {
    serverPid: redis.pid,
    redis: redis.version,
    batch: async (count) => {
      const end = added + count;
      const reached = completed.until(end);
      while (added < end) {
        const size = Math.min(1000, end - added);
        const first = added;
        added += size;
        await queue.addBulk(Array.from({ length: size }, (_, k) => ({ name: 'noop', data: { i: first + k } })));
      }
      await reached;
    },
    stop: async () => {
      await worker.close();
      await queue.close();
      await redis.stop();
    },
  };
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
  const sched = await measure(await startSched());
  const floor = await measure(await startFloor());
  const bullmq = await startBullmq();
  const bull = await measure(bullmq);
  report(
    'throughput',
    [
      row('sched (JetStream file storage, full history, projected)', sched),
      row("JetStream floor: sched's messages per execution, none of its code", floor),
      row(`BullMQ on Redis ${bullmq.redis} (in memory)`, bull),
    ],
    {
      ratio: Number((sched.perSecond / bull.perSecond).toFixed(3)),
      goal: 1.0,
      floorRatio: Number((floor.perSecond / bull.perSecond).toFixed(3)),
      warmup: WARMUP,
    },
  );
  console.log(`ratio sched/BullMQ: ${(sched.perSecond / bull.perSecond).toFixed(2)}× (goal ≥ 1.0×); the JetStream floor: ${(floor.perSecond / bull.perSecond).toFixed(2)}×`);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
