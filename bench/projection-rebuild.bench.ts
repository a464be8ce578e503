/**
 * Read-model rebuild throughput: drop every table and replay the whole log (ProjectorService.rebuild), over a large
 * synthetic mixed workload (tasks, executions that succeed / fail / retry / run / get cancelled or skipped).
 *   npm run bench, or node -r ./test/support/ts-register.js bench/projection-rebuild.bench.ts (BENCH_EVENTS, default 1M)
 * Two sources: the in-memory store (SQLite apply + projection cost alone) and JetStream on a private nats-server
 * with file storage (what `schedctl rebuild` does in production). Prints a table; writes bench/results/*.json.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EventStore } from '@sched/event-store';
import { report } from './bench-report';
import { MemoryEventStore, createJetStreamEventStore } from '@sched/event-store';
import { connectNats, spawnNatsServer } from '@sched/messaging';
import { ProjectorService } from '../apps/projector/src/projector.service';
import { ReadModelStore } from '../apps/projector/src/store/read-model.store';
import { toEnvelope } from '../apps/projector/src/testing/event-factory';
import { mixedWorkload } from '../apps/projector/src/testing/workload';

const TARGET = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const EVENTS_PER_EXECUTION = 4.3; // what mixedWorkload averages
const APPEND_CONCURRENCY = 64;

interface Row {
  readonly source: string;
  readonly events: number;
  readonly rebuildMs: number;
  readonly eventsPerSecond: number;
  readonly rows: { tasks: number; executions: number; attempts: number; taskStats: number };
}

async function appendAll(store: EventStore, events: ReturnType<typeof mixedWorkload>['events']): Promise<void> {
  // Streams in parallel, each stream's events in order: the log interleaves like a busy system's.
  const byStream = new Map<string, typeof events>();
  for (const event of events) {
    const stream = byStream.get(event.streamId);
    if (stream) stream.push(event);
    else byStream.set(event.streamId, [event]);
  }
  const streams = [...byStream.values()];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < streams.length) {
      const stream = streams[next++];
      for (const event of stream) await store.append(event.streamId, [toEnvelope(event)], { expected: 'any' });
    }
  };
  await Promise.all(Array.from({ length: APPEND_CONCURRENCY }, worker));
}

async function measure(source: string, store: EventStore, dir: string): Promise<Row> {
  const readModels = ReadModelStore.open(path.join(dir, `${source}.sqlite`));
  const projector = new ProjectorService(store, readModels);
  try {
    await projector.rebuild(); // first build (warms SQLite and the JIT)
    const again = await projector.rebuild(); // drop + replay: the figure that matters
    const dump = readModels.dump();
    const rows = { tasks: dump.tasks.length, executions: dump.executions.length, attempts: dump.attempts.length, taskStats: dump.taskStats.length };
    return { source, events: again.events, rebuildMs: Math.round(again.durationMs), eventsPerSecond: Math.round((again.events / again.durationMs) * 1000), rows };
  } finally {
    await projector.stop();
    readModels.close();
  }
}

async function main(): Promise<void> {
  const tasks = 100;
  const { events } = mixedWorkload({ tasks, executionsPerTask: Math.ceil(TARGET / tasks / EVENTS_PER_EXECUTION) });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-rebuild-'));
  const results: Row[] = [];
  try {
    const memory = new MemoryEventStore();
    await appendAll(memory, events);
    results.push(await measure('memory', memory, dir));
    await memory.close();

    const nats = await spawnNatsServer({ storeDir: path.join(dir, 'nats') });
    const nc = await connectNats(nats.url, 'bench-rebuild');
    const jetstream = await createJetStreamEventStore(nc);
    try {
      const started = performance.now();
      await appendAll(jetstream, events);
      console.log(`appended ${events.length} events to JetStream in ${Math.round(performance.now() - started)} ms`);
      results.push(await measure('jetstream', jetstream, dir));
    } finally {
      await jetstream.close();
      await nc.close();
      await nats.stop();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  report('projection-rebuild', results.map(({ rows, ...row }) => ({ ...row, ...rows })), { goalEventsPerSecond: 50_000 });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
