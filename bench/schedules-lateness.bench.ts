/**
 * Fire lateness with 100k active interval schedules, through the whole system, side by side with 100k BullMQ job
 * schedulers of the same shape, in one run. Each schedule fires every 100 s at its own offset (one fire per ms
 * overall: 1k fires/s, as the one-shot burst); after all are set up and the system has run for a while, every fire
 * due in a 30 s window is measured. sched: TaskStarted.startedAt − TaskDue.scheduledAt (timer → store → log dispatch
 * → executor). BullMQ: the processor's start − the iteration's time (the millis in its job id, `repeat:<id>:<ms>`).
 * Run: npm run bench (needs nats-server and redis-server on PATH). BENCH_SCHEDULES, BENCH_EVERY_MS, BENCH_MEASURE_MS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Subjects, type RecordedEvent, type TaskDue, type TaskStarted } from '@sched/contracts';
import { connectNats, loadConfig } from '@sched/messaging';
import { startStandalone } from '../apps/standalone/src/standalone';
import { latenessSummary, report } from './bench-report';
import { benchNats, benchRedis } from './support/servers';

const SCHEDULES = Number(process.env.BENCH_SCHEDULES ?? 100_000);
const EVERY_MS = Number(process.env.BENCH_EVERY_MS ?? 100_000);
const MEASURE_MS = Number(process.env.BENCH_MEASURE_MS ?? 30_000);
/** After the set-up, before the window: the fires of the schedules set up last settle into their rhythm. */
const SETTLE_MS = 5_000;
const IN_FLIGHT = 200;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Offsets spread the schedules over the period: schedule i fires at epoch + i·(EVERY_MS / SCHEDULES) + k·EVERY_MS. */
const offsetOf = (i: number): number => Math.floor((i * EVERY_MS) / SCHEDULES);

/** Runs `each(i)` for i in [0, count), IN_FLIGHT at a time. */
async function inFlight(count: number, each: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) await each(next++);
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
}

interface Window {
  readonly from: number;
  readonly to: number;
}

/**
 * Runs the set-up and says how long it took, then waits out the settling time, the window, and a few seconds for
 * the window's last fires to start.
 */
async function setUpAndMeasure(what: string, setUp: () => Promise<void>): Promise<{ window: Window; setUpS: number }> {
  const started = Date.now();
  await setUp();
  const ended = Date.now();
  const setUpS = (ended - started) / 1000;
  console.log(`${what} in ${setUpS.toFixed(1)} s`);
  const window = { from: ended + SETTLE_MS, to: ended + SETTLE_MS + MEASURE_MS };
  await sleep(window.to + 5_000 - Date.now());
  return { window, setUpS };
}

async function schedRun(): Promise<{ lateness: number[]; setUpS: number }> {
  const nats = await benchNats();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sched-bench-data-'));
  const config = loadConfig({ NATS_URL: nats.url, DATA_DIR: dataDir, LOG_LEVEL: 'error', INSTANCE_ID: 'bench', EXECUTOR_CONCURRENCY: '256' });
  const app = await startStandalone(config, { shutdownHooks: false, logger: false });
  const nc = await connectNats(nats.url, 'bench-feeder');
  const scheduled = new Map<string, number>();
  const latenessAt: Array<[number, number]> = [];
  nc.subscribe(Subjects.evt.allExecutions, {
    callback: (_error, msg) => {
      const event = msg.json<RecordedEvent>();
      if (event.type === 'TaskDue') scheduled.set(event.streamId, Date.parse((event.data as TaskDue['data']).scheduledAt));
      if (event.type === 'TaskStarted') {
        const at = scheduled.get(event.streamId);
        scheduled.delete(event.streamId);
        if (at !== undefined) latenessAt.push([at, Date.parse((event.data as TaskStarted['data']).startedAt) - at]);
      }
    },
  });
  const { window, setUpS } = await setUpAndMeasure(`sched: ${SCHEDULES} interval tasks created`, () =>
    inFlight(SCHEDULES, async (i) => {
      const payload = { name: `every-${i}`, executor: 'noop', schedules: [{ type: 'interval', every: EVERY_MS, offset: offsetOf(i) }] };
      const reply = (await nc.request(Subjects.cmd.taskCreate, JSON.stringify(payload), { timeout: 60_000 })).json<{ ok: boolean; error?: unknown }>();
      if (!reply.ok) throw new Error(`task ${i} not created: ${JSON.stringify(reply.error)}`);
    }),
  );
  await nc.close();
  await app.close();
  await nats.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
  return { lateness: inWindow(latenessAt, window), setUpS };
}

async function bullmqRun(): Promise<{ lateness: number[]; setUpS: number; redis: string }> {
  const redis = await benchRedis();
  const connection = { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null };
  const queue = new Queue('schedules', { connection });
  const latenessAt: Array<[number, number]> = [];
  const worker = new Worker(
    'schedules',
    async (job) => {
      const at = Number(String(job.id).split(':').at(-1));
      latenessAt.push([at, Date.now() - at]);
    },
    { connection, concurrency: 256 },
  );
  await worker.waitUntilReady();
  // BullMQ's offset 0 means none (the first iteration runs at once): offsets start at 1 ms here.
  const { window, setUpS } = await setUpAndMeasure(`BullMQ: ${SCHEDULES} job schedulers upserted`, () =>
    inFlight(SCHEDULES, (i) => queue.upsertJobScheduler(`every-${i}`, { every: EVERY_MS, offset: offsetOf(i) + 1 }, { name: 'tick', data: {} })),
  );
  await worker.close();
  await queue.close();
  await redis.stop();
  return { lateness: inWindow(latenessAt, window), setUpS, redis: redis.version };
}

function inWindow(latenessAt: ReadonlyArray<readonly [number, number]>, window: Window): number[] {
  return latenessAt.filter(([at]) => at >= window.from && at < window.to).map(([, lateness]) => lateness);
}

async function main(): Promise<void> {
  const sched = await schedRun();
  const bull = await bullmqRun();
  const shape = `${SCHEDULES.toLocaleString('en')} schedules every ${EVERY_MS / 1000} s, fires due in ${MEASURE_MS / 1000} s`;
  const expected = Math.round((MEASURE_MS / EVERY_MS) * SCHEDULES);
  report(
    'schedules-lateness',
    [
      { system: `sched: ${shape}`, 'set-up s': sched.setUpS.toFixed(1), ...latenessSummary(sched.lateness), expected },
      { system: `BullMQ job schedulers (Redis ${bull.redis}): ${shape}`, 'set-up s': bull.setUpS.toFixed(1), ...latenessSummary(bull.lateness), expected },
    ],
    { goalP99Ms: 10 },
  );
  process.exit(0);
}

void main();
