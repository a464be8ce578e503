/**
 * Fire lateness of one-shot executions, side by side with BullMQ delayed jobs of the same shape, in one run:
 * N executions due over 2 s. sched: TaskStarted.startedAt − TaskDue.scheduledAt (timer → store → log dispatch →
 * executor, with the default fire-ahead window: TaskDue recorded 50 ms ahead, the attempt started at the instant),
 * read back from the log afterwards (support/recorded-lateness.ts).
 * BullMQ: the processor's start − (job.timestamp + delay).
 * The JetStream floor: the same TaskDue commits published at the due instants themselves (no fire-ahead) on a log
 * holding as many bytes as sched's did, taken off the dispatch consumer by a bare executor
 * (support/jetstream-floor.ts): take − due. What recording each fire at its instant costs on this server.
 * sched and BullMQ first run WARMUP executions of the same shape unmeasured, as the throughput benchmark does: a
 * scheduler is a long-running service, and the first burst of a fresh process runs JIT-cold code (sched's executor
 * thread most: it has done nothing else yet, see the README's Benchmarks).
 * Run: npm run bench (needs nats-server and redis-server on PATH).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Queue, Worker } from 'bullmq';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Subjects } from '@sched/contracts';
import { DEFAULT_STREAM_NAME } from '@sched/event-store';
import { connectNats, loadConfig } from '@sched/messaging';
import { startStandalone } from '../apps/standalone/src/standalone';
import { latenessSummary as summary, report } from './bench-report';
import { startJetStreamFloor } from './support/jetstream-floor';
import { recordedLateness } from './support/recorded-lateness';
import { benchNats, benchRedis } from './support/servers';

const N = Number(process.env.BENCH_ONESHOTS ?? 2_000);
const SPREAD_MS = 2_000;
/** Creating the tasks must end before the first is due, or what is measured is the creation, not the firing. */
const LEAD_MS = Number(process.env.BENCH_LEAD_MS ?? 20_000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? N);
/** The warm-up's first fire: after its creation (a few hundred ms for 2k tasks). */
const WARMUP_LEAD_MS = 3_000;

const sleepUntil = (atMs: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, atMs - Date.now())));

function checkLead(what: string, firstDueMs: number): void {
  const spareMs = firstDueMs - Date.now();
  console.log(`${what} with ${spareMs} ms to spare before the first is due`);
  if (spareMs < 0) throw new Error(`${what} too late: it took longer than BENCH_LEAD_MS (${LEAD_MS} ms), raise it`);
}

/** When each of `count` executions is due: over SPREAD_MS from `firstDue`, as both sides schedule them. */
const dueAt = (firstDue: number, i: number, count = N): number => firstDue + Math.floor((i * SPREAD_MS) / count);

/** Creates `count` one-shot noop tasks due over SPREAD_MS from `firstDue`, 100 requests in flight. */
async function createOneShots(nc: NatsConnection, name: string, firstDue: number, count: number): Promise<void> {
  for (let i = 0; i < count; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, count - i) }, (_, k) => {
        const at = new Date(dueAt(firstDue, i + k, count)).toISOString();
        const payload = { name: `${name}-${i + k}`, executor: 'noop', schedules: [{ type: 'once', at }] };
        return nc.request(Subjects.cmd.taskCreate, JSON.stringify(payload), { timeout: 30_000 });
      }),
    );
  }
}

async function schedRun(): Promise<{ lateness: number[]; logBytes: number }> {
  const nats = await benchNats();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sched-bench-data-'));
  const config = loadConfig({ NATS_URL: nats.url, DATA_DIR: dataDir, LOG_LEVEL: 'error', INSTANCE_ID: 'bench', EXECUTOR_CONCURRENCY: '256' });
  const app = await startStandalone(config, { shutdownHooks: false, logger: false });
  const nc = await connectNats(nats.url, 'bench-feeder'); // as the timer connects: no async stack traces per request
  if (WARMUP > 0) {
    const warmUpDue = Date.now() + WARMUP_LEAD_MS;
    await createOneShots(nc, 'warm-up', warmUpDue, WARMUP);
    await sleepUntil(warmUpDue + SPREAD_MS + 3_000);
  }
  // Read back from here: the measured tasks' commits and the executions they fire (the warm-up's are over).
  const firstDue = Date.now() + LEAD_MS;
  await createOneShots(nc, 'once', firstDue, N);
  checkLead('sched: tasks created', firstDue);
  const { bytes: logBytes, last_seq: head } = (await (await jetstreamManager(nc)).streams.info(DEFAULT_STREAM_NAME)).state;
  // Read back once all should have started; a slow run is read again until every one did, or the deadline passes.
  await sleepUntil(firstDue + SPREAD_MS + 2_000);
  let recorded = await recordedLateness(nc, head);
  for (const deadline = firstDue + SPREAD_MS + 30_000; recorded.length < N && Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    recorded = await recordedLateness(nc, head);
  }
  const lateness = recorded.map(([, latenessMs]) => latenessMs);
  await nc.close();
  await app.close();
  await nats.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
  return { lateness, logBytes };
}

async function untilAll(lateness: readonly number[], firstDue: number, count = N): Promise<void> {
  const deadline = firstDue + SPREAD_MS + 30_000;
  while (lateness.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
}

/** The floor under any design that records TaskDue at the due instant on this log: see the header. */
async function floorRun(logBytes: number): Promise<number[]> {
  const nats = await benchNats();
  const dueMs = new Map<string, number>();
  const lateness: number[] = [];
  const floor = await startJetStreamFloor(nats.url, 1, 256, {
    onStart: (executionId, atMs) => lateness.push(atMs - dueMs.get(executionId)!),
  });
  // The log holds what sched's held when its first fire came due (the tasks' commits), in ~1 KB messages.
  const nc = await connectNats(nats.url, 'bench-floor-fill');
  const js = jetstream(nc);
  const body = 'x'.repeat(900);
  for (let i = 0; i * 1024 < logBytes; i += 100) {
    await Promise.all(Array.from({ length: 100 }, (_, k) => js.publish(`es.task.fill_${i + k}`, body)));
  }
  await nc.close();
  const firstDue = Date.now() + 2_000;
  for (let i = 0; i < N; i++) {
    const due = dueAt(firstDue, i);
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const executionId = `${randomUUID()}@${due}`;
    dueMs.set(executionId, due);
    void floor.due(executionId);
  }
  await untilAll(lateness, firstDue);
  await floor.close();
  await nats.cleanup();
  return lateness;
}

async function bullmqRun(): Promise<{ lateness: number[]; redis: string }> {
  const redis = await benchRedis();
  const connection = { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null };
  const queue = new Queue('lateness', { connection });
  const lateness: number[] = [];
  const worker = new Worker(
    'lateness',
    async (job) => {
      lateness.push(Date.now() - (job.timestamp + (job.opts.delay ?? 0)));
    },
    { connection, concurrency: 256 },
  );
  await worker.waitUntilReady();
  const addJobs = (firstDue: number, count: number) =>
    queue.addBulk(Array.from({ length: count }, (_, i) => ({ name: 'once', data: {}, opts: { delay: dueAt(firstDue, i, count) - Date.now() } })));
  if (WARMUP > 0) {
    const warmUpDue = Date.now() + WARMUP_LEAD_MS;
    await addJobs(warmUpDue, WARMUP);
    await untilAll(lateness, warmUpDue, WARMUP);
    lateness.length = 0;
  }
  const firstDue = Date.now() + LEAD_MS;
  await addJobs(firstDue, N);
  checkLead('BullMQ: jobs added', firstDue);
  await untilAll(lateness, firstDue);
  await worker.close();
  await queue.close();
  await redis.stop();
  return { lateness, redis: redis.version };
}

async function main(): Promise<void> {
  const sched = await schedRun();
  const floor = await floorRun(sched.logBytes);
  const bull = await bullmqRun();
  report(
    'lateness',
    [
      { system: `sched: ${N} one-shots over ${SPREAD_MS / 1000} s`, ...summary(sched.lateness) },
      { system: `JetStream floor, recorded at the instant: TaskDue alone, dispatched (log of ${(sched.logBytes / 2 ** 20).toFixed(1)} MiB)`, ...summary(floor) },
      { system: `BullMQ ${N} delayed jobs (Redis ${bull.redis})`, ...summary(bull.lateness) },
    ],
    { goalP99Ms: 10 },
  );
  process.exit(0);
}

void main();
