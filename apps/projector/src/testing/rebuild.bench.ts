/**
 * Rebuild throughput. Not part of `npm test` (no *.spec.ts suffix); run it with
 *   npx jest apps/projector --testRegex='rebuild\.bench\.ts$'
 * (the `=` matters: `--testRegex` takes several values and would swallow a path given after it).
 * BENCH_EVENTS (default 200000) sets the size of the synthetic log, BENCH_BATCH the projector's maxBatch.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MemoryEventStore } from '@sched/event-store';
import { DEFAULT_PROJECTOR_OPTIONS, ProjectorService } from '../projector.service';
import { ReadModelStore } from '../store/read-model.store';
import { toEnvelope } from './event-factory';
import { mixedWorkload } from './workload';

const target = Number(process.env.BENCH_EVENTS ?? 200_000);
const EVENTS_PER_EXECUTION = 4.3; // what mixedWorkload averages

it(`rebuilds ~${target} events from a MemoryEventStore into a WAL SQLite file`, async () => {
  const tasks = 100;
  const { events } = mixedWorkload({ tasks, executionsPerTask: Math.ceil(target / tasks / EVENTS_PER_EXECUTION) });
  const eventStore = new MemoryEventStore();
  for (const event of events) await eventStore.append(event.streamId, [toEnvelope(event)], { expected: 'any' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'projector-bench-'));
  const store = ReadModelStore.open(path.join(dir, 'read-models.sqlite'));
  const maxBatch = Number(process.env.BENCH_BATCH ?? DEFAULT_PROJECTOR_OPTIONS.maxBatch);
  const projector = new ProjectorService(eventStore, store, { maxBatch });
  try {
    const live = await projector.rebuild(); // first build
    const again = await projector.rebuild(); // drop + replay, the figure that matters
    await projector.stop();
    const applyOnly = timeApplyOnly(store, events, maxBatch);
    const perSecond = (n: number, ms: number) => Math.round((n / ms) * 1000);
    console.log(
      `${again.events} events, ${store.dump().executions.length} executions, batches of ${maxBatch}: ` +
        `rebuild ${Math.round(again.durationMs)} ms = ${perSecond(again.events, again.durationMs)} events/s ` +
        `(first build ${perSecond(live.events, live.durationMs)} events/s; ` +
        `SQLite apply alone ${perSecond(events.length, applyOnly)} events/s)`,
    );
    expect(again.events).toBe(events.length);
  } finally {
    await projector.stop();
    store.close();
    await eventStore.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 300_000);

function timeApplyOnly(store: ReadModelStore, events: Parameters<ReadModelStore['applyBatch']>[0], batch: number): number {
  store.reset();
  const started = performance.now();
  for (let i = 0; i < events.length; i += batch) store.applyBatch(events.slice(i, i + batch));
  return performance.now() - started;
}
