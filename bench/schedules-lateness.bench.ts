/**
 * Fire lateness with 100k active interval schedules, through the whole system, side by side with 100k BullMQ job
 * schedulers of the same shape, in one run. Each schedule fires every 100 s at its own offset (one fire per ms
 * overall: 1k fires/s, as the one-shot burst); after all are set up and the system has run for a while, every fire
 * due in a 30 s window is measured. sched: TaskStarted.startedAt − TaskDue.scheduledAt (timer → store → log dispatch
 * → executor), read back from the log after the run (support/recorded-lateness.ts). BullMQ: the processor's start
 * − the iteration's time (the millis in its job id, `repeat:<id>:<ms>`). sched runs three times, its executor on
 * the main thread, on a worker thread, in a process of its own (see ExecutorPlacement). The executor's own metric
 * (sched_schedule_to_start_seconds, read as the window opens and closes) splits the starts over 10 ms late into
 * those it held from before their instant (its own CPU or event loop was late) and those that reached it late.
 * Run: npm run bench (needs nats-server and redis-server on PATH). BENCH_SCHEDULES, BENCH_EVERY_MS, BENCH_MEASURE_MS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Subjects } from '@sched/contracts';
import { SchedMetrics, connectNats, freePort, loadConfig } from '@sched/messaging';
import { ExecutorModule } from '../apps/executor/src/executor.module';
import { startHttpGateway } from '../apps/gateway/src/http/start-http-gateway';
import { standaloneModules } from '../apps/standalone/src/standalone';
import { spawnApp } from '../test/support/app-process';
import { latenessSummary, report } from './bench-report';
import { logHead, recordedLateness, type Lateness } from './support/recorded-lateness';
import { benchNats, benchRedis } from './support/servers';
import { arrivalColumns, arrivalsBetween, startArrivals, type StartArrivals } from './support/start-arrivals';

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
 * the window's last fires to start. `scrape` (sched): the executor's metrics, read as the window opens and closes.
 */
async function setUpAndMeasure(
  what: string,
  setUp: () => Promise<void>,
  scrape?: () => Promise<string>,
): Promise<{ window: Window; setUpS: number; arrivals?: StartArrivals }> {
  const started = Date.now();
  await setUp();
  const ended = Date.now();
  const setUpS = (ended - started) / 1000;
  console.log(`${what} in ${setUpS.toFixed(1)} s`);
  const window = { from: ended + SETTLE_MS, to: ended + SETTLE_MS + MEASURE_MS };
  await sleep(window.from - Date.now());
  const before = scrape && startArrivals(await scrape());
  await sleep(window.to - Date.now());
  const arrivals = scrape && before && arrivalsBetween(before, startArrivals(await scrape()));
  await sleep(window.to + 5_000 - Date.now());
  return { window, setUpS, arrivals };
}

/**
 * Where the executor runs: on the one main thread with every other service (STANDALONE_EXECUTOR_THREAD=false), on a
 * worker thread of the same process (`npm start`'s default), or as a process of its own (as the services are
 * deployed, docker-compose.yml). Apart, its start of each attempt shares no event loop with the timer, the projector
 * and the relay of 100k tasks.
 */
type ExecutorPlacement = 'main thread' | 'worker thread' | 'process';

interface SchedRun {
  readonly lateness: number[];
  readonly setUpS: number;
  readonly arrivals?: StartArrivals;
}

async function schedRun(placement: ExecutorPlacement): Promise<SchedRun> {
  const nats = await benchNats();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sched-bench-data-'));
  const env = { NATS_URL: nats.url, DATA_DIR: dataDir, LOG_LEVEL: 'error', EXECUTOR_CONCURRENCY: '256', HTTP_PORT: '0' };
  const config = loadConfig({ ...env, INSTANCE_ID: 'bench', STANDALONE_EXECUTOR_THREAD: String(placement === 'worker thread') });
  const metricsPort = await freePort();
  // As bin/start-app.sh starts a deployed executor: V8's default 16 MiB semi-spaces (the standalone gets 64).
  const executor =
    placement === 'process'
      ? spawnApp('executor', { ...env, INSTANCE_ID: 'bench-executor', METRICS_PORT: String(metricsPort) }, 'executor', ['--max-semi-space-size=16'])
      : undefined;
  await executor?.waitForOutput('sched-executor ready', 60_000);
  const modules = standaloneModules(config).filter((module) => placement !== 'process' || module !== ExecutorModule);
  const app = await startHttpGateway(config, modules, { name: 'sched', shutdownHooks: false, logger: false });
  // The executor's metrics: its own process's endpoint, or the app's registry (which adds a worker thread's).
  const scrape = async (): Promise<string> =>
    executor ? (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text() : (await app.get(SchedMetrics).exposition()).body;
  const nc = await connectNats(nats.url, 'bench-feeder');
  let setUpEnd = 0;
  const { window, setUpS, arrivals } = await setUpAndMeasure(`sched: ${SCHEDULES} interval tasks created`, () =>
    inFlight(SCHEDULES, async (i) => {
      const payload = { name: `every-${i}`, executor: 'noop', schedules: [{ type: 'interval', every: EVERY_MS, offset: offsetOf(i) }] };
      const reply = (await nc.request(Subjects.cmd.taskCreate, JSON.stringify(payload), { timeout: 60_000 })).json<{ ok: boolean; error?: unknown }>();
      if (!reply.ok) throw new Error(`task ${i} not created: ${JSON.stringify(reply.error)}`);
    }).then(async () => {
      setUpEnd = await logHead(nc);
    }),
    scrape,
  );
  const latenessAt = await recordedLateness(nc, setUpEnd);
  await nc.close();
  await app.close();
  await executor?.stop();
  await nats.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
  return { lateness: inWindow(latenessAt, window), setUpS, arrivals };
}

async function bullmqRun(): Promise<{ lateness: number[]; setUpS: number; redis: string }> {
  const redis = await benchRedis();
  const connection = { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null };
  const queue = new Queue('schedules', { connection });
  const latenessAt: Lateness[] = [];
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

function inWindow(latenessAt: readonly Lateness[], window: Window): number[] {
  return latenessAt.filter(([at]) => at >= window.from && at < window.to).map(([, lateness]) => lateness);
}

/** Set in the child process that measures one placement (see inOwnProcess). */
const PLACEMENT_ENV = 'BENCH_SCHED_PLACEMENT';
const RESULT_PREFIX = 'sched-run-result ';

/**
 * Runs one placement in a Node process of its own and returns its result. One process running the placements in
 * turn carried the heap of the earlier runs (100k tasks' state each) into the later ones: the placement measured
 * last was the slowest in three full runs (executor apart, p99 171–227 ms), against 25–73 ms measured alone.
 */
async function inOwnProcess(placement: ExecutorPlacement): Promise<SchedRun> {
  const child = spawnApp(__filename, { [PLACEMENT_ENV]: placement }, `sched (${placement})`, ['--max-semi-space-size=64']);
  const code = await new Promise<number | null>((resolve) => child.child.once('exit', resolve));
  const lines = child.output().split('\n');
  for (const line of lines) if (line.startsWith('sched:')) console.log(line);
  const result = lines.find((line) => line.startsWith(RESULT_PREFIX));
  if (code !== 0 || result === undefined) throw new Error(`the ${placement} run failed (${code}):\n${child.output()}`);
  return JSON.parse(result.slice(RESULT_PREFIX.length)) as SchedRun;
}

async function main(): Promise<void> {
  const only = process.env[PLACEMENT_ENV] as ExecutorPlacement | undefined;
  if (only) {
    console.log(`${RESULT_PREFIX}${JSON.stringify(await schedRun(only))}`);
    process.exit(0);
  }
  const placements: ExecutorPlacement[] = ['main thread', 'worker thread', 'process'];
  const scheds: SchedRun[] = [];
  for (const placement of placements) scheds.push(await inOwnProcess(placement));
  const bull = await bullmqRun();
  const shape = `${SCHEDULES.toLocaleString('en')} schedules every ${EVERY_MS / 1000} s, fires due in ${MEASURE_MS / 1000} s`;
  const expected = Math.round((MEASURE_MS / EVERY_MS) * SCHEDULES);
  report(
    'schedules-lateness',
    [
      ...placements.map((placement, i) => ({
        system: `sched, executor ${placement === 'process' ? 'in a process of its own' : `on the ${placement}`}: ${shape}`,
        'set-up s': scheds[i].setUpS.toFixed(1),
        ...latenessSummary(scheds[i].lateness),
        expected,
        ...(scheds[i].arrivals ? arrivalColumns(scheds[i].arrivals!) : {}),
      })),
      { system: `BullMQ job schedulers (Redis ${bull.redis}): ${shape}`, 'set-up s': bull.setUpS.toFixed(1), ...latenessSummary(bull.lateness), expected },
    ],
    { goalP99Ms: 10 },
  );
  process.exit(0);
}

void main();
