/**
 * Timer scale and precision, in process (the store is not involved: this is the timer's own cost).
 *  1. Load: 1M task-created events folded and scheduled through the timer's code path → load time, RSS.
 *  2. Precision: 100k active interval schedules firing for 20 s → lateness of each fire against its due instant.
 * Run: npm run bench (or: node -r ./test/support/ts-register.js bench/timer-scale.bench.ts).
 */
import { randomUUID } from 'node:crypto';
import type { RecordedEvent, TaskDefinition } from '@sched/contracts';
import { fireInstant, nextOccurrences } from '@sched/domain';
import { ScheduledTasks, isSchedulable } from '../apps/timer/src/scheduled-tasks';
import { TimerDriver, systemClock } from '../apps/timer/src/scheduling';
import { mib, percentile, report } from './bench-report';

const LOAD_TASKS = Number(process.env.BENCH_TIMER_TASKS ?? 1_000_000);
const ACTIVE_TASKS = Number(process.env.BENCH_TIMER_ACTIVE ?? 100_000);
const PRECISION_SECONDS = Number(process.env.BENCH_TIMER_SECONDS ?? 20);

/**
 * As the store delivers it: parsed from a commit's JSON (strings straight from randomUUID() are ~8x bigger than
 * parsed ones, which would overstate the memory). The JSON is assembled by concatenation, which costs far less than
 * the parse the adapter really does.
 */
function created(taskId: string, definition: TaskDefinition, position: number): RecordedEvent {
  const json =
    `{"id":"${randomUUID()}","type":"TaskCreated","data":{"taskId":"${taskId}","definition":${JSON.stringify(definition)}},` +
    `"metadata":{"correlationId":"${taskId}","causationId":"${taskId}","occurredAt":"2026-01-01T00:00:00.000Z","schemaVersion":1},` +
    `"streamId":"task-${taskId}","revision":0,"position":${position}}`;
  return JSON.parse(json) as RecordedEvent;
}

function definition(everyMs: number, offsetMs: number): TaskDefinition {
  return { name: 'bench', description: '', executor: 'noop', config: {}, schedules: [{ type: 'interval', everyMs, offsetMs }], tags: [] };
}

function load(): Record<string, string | number> {
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const tasks = new ScheduledTasks();
  const driver = new TimerDriver<number>(systemClock, () => undefined);
  const now = Date.now();
  for (let i = 0; i < LOAD_TASKS; i += 1) {
    const taskId = `t${i}`;
    // Intervals from 1 min to ~17 h, offsets spread: a realistic mix of next fires.
    const everyMs = 60_000 * (1 + (i % 1000));
    const task = tasks.apply(taskId, created(taskId, definition(everyMs, (i * 7919) % everyMs), (i + 1) * 1000));
    if (!isSchedulable(task)) continue;
    const [next] = nextOccurrences(task.state.definition.schedules, now, 1);
    driver.schedule(taskId, fireInstant(taskId, next, next.atMs), next.atMs);
  }
  const loadMs = performance.now() - started;
  global.gc?.();
  const rss = process.memoryUsage().rss;
  const heap = process.memoryUsage().heapUsed;
  // Read both structures after measuring, so the collector cannot free them before the measurement.
  const row = {
    test: `load ${LOAD_TASKS.toLocaleString('en')} schedules`,
    'load s': (loadMs / 1000).toFixed(2),
    'RSS MiB': mib(rss),
    'heap MiB': mib(heap),
    'Δ RSS MiB': mib(rss - rssBefore),
    scheduled: `${driver.size} of ${tasks.size}`,
  };
  driver.stop();
  return row;
}

async function precision(): Promise<Record<string, string | number>> {
  const lateness: number[] = [];
  const everyMs = 10_000;
  const driver = new TimerDriver<number>(systemClock, (entries) => {
    const now = Date.now();
    for (const entry of entries) {
      lateness.push(now - entry.dueMs);
      driver.schedule(entry.key, entry.dueMs + everyMs, entry.value);
    }
  });
  const start = Math.ceil(Date.now() / 1000) * 1000 + 1000;
  for (let i = 0; i < ACTIVE_TASKS; i += 1) driver.schedule(`a${i}`, start + ((i * 7919) % everyMs), i);
  driver.start();
  await new Promise((resolve) => setTimeout(resolve, PRECISION_SECONDS * 1000 + 1000));
  driver.stop();
  const sorted = lateness.sort((a, b) => a - b);
  return {
    test: `${ACTIVE_TASKS.toLocaleString('en')} active schedules, ${PRECISION_SECONDS} s`,
    fires: sorted.length,
    'p50 ms': percentile(sorted, 50),
    'p99 ms': percentile(sorted, 99),
    'max ms': sorted[sorted.length - 1],
  };
}

async function main(): Promise<void> {
  const loadRow = load();
  const precisionRow = await precision();
  report('timer-scale', [loadRow, precisionRow], { goals: { loadSeconds: 10, rssMiB: 1024, p99LatenessMs: 10 } });
}

void main();
