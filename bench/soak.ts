/**
 * Soak (a script, not CI): the whole system in one process on its own nats-server, SOAK_SCHEDULES interval
 * schedules spread evenly over SOAK_EVERY (a steady fire rate), for SOAK_MINUTES. Every SOAK_SAMPLE_SECONDS it
 * prints RSS, heap, fires and the lateness of the fires (TaskDue occurredAt − scheduled instant) and of the ends
 * (TaskSucceeded − scheduled instant); at the end it compares the first and last windows and says whether they
 * stayed flat.
 * Run: node --expose-gc -r ./test/support/ts-register.js bench/soak.ts   (defaults: 10 min, 10k schedules, 60 s)
 */
import { Subjects, type RecordedEvent, type TaskCommandResult } from '@sched/contracts';
import { forEachConcurrently } from '../test/support/fuzz-payloads';
import { startTestSystem } from '../test/support/system';
import { mib, percentile, report } from './bench-report';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const SCHEDULES = Number(process.env.SOAK_SCHEDULES ?? 10_000);
const EVERY_S = Number(process.env.SOAK_EVERY ?? 60);
const SAMPLE_S = Number(process.env.SOAK_SAMPLE_SECONDS ?? 30);
/** Flat: the last window's p99 lateness within 2× (+50 ms) of the first's. */
const LATENESS_FACTOR = 2;
/**
 * Levelled off: over the second half of the run RSS grows by at most 10 %. Not "no growth from the start": bounded
 * caches and SQLite's page cache fill over the first ~100k executions (10 min at the default rate), by design.
 */
const SECOND_HALF_RSS_GROWTH = 0.1;

interface Window {
  fires: number[];
  ends: number[];
}

async function main(): Promise<void> {
  const system = await startTestSystem({ LOG_LEVEL: 'error', TIMER_PARTITIONS: '16' });
  console.log(`soak: ${SCHEDULES} schedules every ${EVERY_S}s (${(SCHEDULES / EVERY_S).toFixed(0)} fires/s) for ${MINUTES} min`);
  const indexes = Array.from({ length: SCHEDULES }, (_, i) => i);
  await forEachConcurrently(indexes, 64, async (i) => {
    // Offsets spread the schedules over the interval, so the rate is steady instead of one burst per interval.
    const offsetMs = Math.floor((i * EVERY_S * 1000) / SCHEDULES);
    const reply = await system.request<TaskCommandResult>(Subjects.cmd.taskCreate, {
      name: `soak-${i}`, executor: 'noop', schedules: [{ type: 'interval', every: `${EVERY_S}s`, offset: `${offsetMs}ms` }],
    });
    if (!reply.ok) throw new Error(JSON.stringify(reply.error));
  });
  console.log('soak: schedules created');

  let window: Window = { fires: [], ends: [] };
  // A scheduled execution's id is `<taskId>@<scheduled epoch ms>` (ARCHITECTURE.md).
  const scheduledAt = (event: RecordedEvent): number => Number(event.streamId.split('@').pop());
  const subscription = system.store.subscribeAll({ from: 'end', filter: { streamPrefixes: ['execution-'], eventTypes: ['TaskDue', 'TaskSucceeded'] } });
  const following = (async () => {
    for await (const event of subscription) {
      const lateness = Date.parse(event.metadata.occurredAt) - scheduledAt(event);
      (event.type === 'TaskDue' ? window.fires : window.ends).push(lateness);
    }
  })();

  const rows: Array<Record<string, string | number>> = [];
  const startedAt = Date.now();
  while (Date.now() - startedAt < MINUTES * 60_000) {
    await new Promise((resolve) => setTimeout(resolve, SAMPLE_S * 1000));
    global.gc?.();
    const { fires, ends } = window;
    window = { fires: [], ends: [] };
    fires.sort((a, b) => a - b);
    ends.sort((a, b) => a - b);
    const memory = process.memoryUsage();
    const row = {
      minute: Number(((Date.now() - startedAt) / 60_000).toFixed(1)),
      rssMiB: mib(memory.rss),
      heapMiB: mib(memory.heapUsed),
      firesPerS: Math.round(fires.length / SAMPLE_S),
      fireP50Ms: percentile(fires, 50),
      fireP99Ms: percentile(fires, 99),
      endP99Ms: percentile(ends, 99),
    };
    rows.push(row);
    console.log(JSON.stringify(row));
  }
  await subscription.close();
  await following;
  await system.close();

  // The first window includes the warm-up (JIT, caches): compare the second with the last for lateness. Bounded
  // caches (stream versions and hash-chain tips, 100k streams each; execution → task ids; 64 MiB of SQLite pages)
  // fill during the first ~100k executions, so RSS rises until then; the second half shows whether it levels off.
  const first = rows[Math.min(1, rows.length - 1)];
  const middle = rows[Math.floor(rows.length / 2)];
  const last = rows[rows.length - 1];
  const flatLateness = Number(last.fireP99Ms) <= Number(first.fireP99Ms) * LATENESS_FACTOR + 50;
  const secondHalfGrowth = Number(last.rssMiB) / Number(middle.rssMiB) - 1;
  const flatRss = secondHalfGrowth <= SECOND_HALF_RSS_GROWTH;
  const secondHalfRssGrowthPct = Math.round(secondHalfGrowth * 1000) / 10;
  report('soak', rows, { schedules: SCHEDULES, everySeconds: EVERY_S, minutes: MINUTES, flatLateness, flatRss, secondHalfRssGrowthPct });
  console.log(
    `soak: lateness ${flatLateness ? 'flat' : 'GREW'} (p99 ${first.fireP99Ms} → ${last.fireP99Ms} ms), ` +
      `RSS ${flatRss ? 'levelled off' : 'GREW'} (${first.rssMiB} → ${middle.rssMiB} at minute ${middle.minute} → ${last.rssMiB} MiB)`,
  );
  process.exit(flatLateness && flatRss ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
