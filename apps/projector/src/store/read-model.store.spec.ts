import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RecordedEvent } from '@sched/contracts';
import { EventFactory } from '../testing/event-factory';
import { MemoryRows } from '../testing/memory-rows';
import { mixedWorkload } from '../testing/workload';
import { ReadModelStore } from './read-model.store';

const applyInBatches = (store: ReadModelStore, events: readonly RecordedEvent[], size: number): void => {
  for (let i = 0; i < events.length; i += size) store.applyBatch(events.slice(i, i + size));
};

describe('ReadModelStore (SQLite)', () => {
  const { events } = mixedWorkload();
  let store: ReadModelStore;
  beforeEach(() => (store = ReadModelStore.open(':memory:')));
  afterEach(() => store.close());

  it('holds exactly the rows the pure projections produce, with the checkpoint at the last event', () => {
    applyInBatches(store, events, 7);
    const expected = new MemoryRows().apply(...events);
    for (const [taskId, row] of expected.tasks) expect(store.task(taskId)).toEqual(row);
    for (const [executionId, row] of expected.executions) expect(store.execution(executionId)).toEqual(row);
    for (const row of expected.attempts.values()) expect(store.attempt(row.executionId, row.attempt)).toEqual(row);
    for (const [taskId, row] of expected.taskStats) expect(store.stats(taskId)).toEqual(row);
    const dump = store.dump();
    expect([dump.tasks.length, dump.executions.length]).toEqual([expected.tasks.size, expected.executions.size]);
    expect([dump.attempts.length, dump.taskStats.length]).toEqual([expected.attempts.size, expected.taskStats.size]);
    expect(dump.attempts.length).toBeGreaterThan(15);
    expect(store.checkpoint()).toBe(events[events.length - 1].position);
  });

  it('keeps what a task created disabled waits for: its schedules set when it is first enabled', () => {
    const log = new EventFactory();
    log.created('late-starter');
    log.disabled('late-starter');
    store.applyBatch(log.events);
    expect(store.task('late-starter')).toEqual(new MemoryRows().apply(...log.events).tasks.get('late-starter'));
    expect(store.task('late-starter')?.schedulesSetOnEnable).toBe(true);
  });

  it('is idempotent: the same batch twice, or a redelivered prefix, gives an identical dump', () => {
    applyInBatches(store, events, 10);
    const once = store.dump();
    applyInBatches(store, events, 10);
    expect(store.dump()).toEqual(once);
    store.applyBatch(events.slice(events.length - 15)); // overlaps the last batch already applied
    expect(store.dump()).toEqual(once);
  });

  it('writes nothing of a batch that fails midway: rows and checkpoint stay as they were', () => {
    const half = events.length / 2;
    store.applyBatch(events.slice(0, half));
    const before = store.dump();
    // A real SQLite error on the last execution row the batch writes, after the task rows were already written.
    const victim = [...events.slice(half)].reverse().find((event) => event.streamId.startsWith('execution-'))!;
    store.db.exec(`CREATE TEMP TRIGGER fail_midway BEFORE INSERT ON executions
      WHEN NEW.execution_id = '${victim.streamId.slice('execution-'.length)}' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`);
    expect(() => store.applyBatch(events.slice(half))).toThrow('disk on fire');
    expect(store.dump()).toEqual(before);

    store.db.exec('DROP TRIGGER fail_midway');
    store.applyBatch(events.slice(half));
    const clean = ReadModelStore.open(':memory:');
    clean.applyBatch(events);
    expect(store.dump()).toEqual(clean.dump());
    clean.close();
  });

  it('reset drops every row and the checkpoint; replaying gives the identical dump', () => {
    applyInBatches(store, events, 5);
    const live = store.dump();
    store.reset();
    expect(store.dump()).toEqual({ checkpoint: 0, tasks: [], executions: [], attempts: [], taskStats: [], workflowRuns: [] });
    applyInBatches(store, events, 500);
    expect(store.dump()).toEqual(live);
  });

  it('a reset for a rebuild leaves the secondary indexes out until they are built, and an open restores them', () => {
    const indexes = (db = store.db): string[] =>
      (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").all() as { name: string }[]).map(
        (row) => row.name,
      );
    const all = indexes();
    expect(all).toEqual(expect.arrayContaining(['executions_by_task', 'attempts_by_task_duration', 'tasks_by_state']));
    applyInBatches(store, events, 5);
    const live = store.dump();

    store.reset({ deferIndexes: true });
    expect(indexes()).toEqual([]);
    applyInBatches(store, events, 500);
    expect(store.dump()).toEqual(live); // primary keys alone keep upserts exact
    store.buildDeferredIndexes();
    expect(indexes()).toEqual(all);
    store.buildDeferredIndexes(); // nothing left to build
    expect(indexes()).toEqual(all);

    // A process that stopped mid-rebuild: the next open creates what is missing.
    store.reset({ deferIndexes: true });
    const reopened = new ReadModelStore(store.db);
    expect(indexes(reopened.db)).toEqual(all);
  });

  it('drops tables of another schema version on open, so a replay rebuilds them', () => {
    store.applyBatch(events);
    store.db.pragma('user_version = 1');
    const reopened = new ReadModelStore(store.db);
    expect(reopened.checkpoint()).toBe(0);
    expect(reopened.dump().executions).toEqual([]);
  });

  it('persists to a WAL-mode file and resumes from its checkpoint after reopening', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'projector-'));
    try {
      const file = path.join(dir, 'nested', 'read-models.sqlite');
      const first = ReadModelStore.open(file);
      expect(first.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(first.db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
      first.applyBatch(events.slice(0, 20));
      first.close();
      const reopened = ReadModelStore.open(file);
      expect(reopened.checkpoint()).toBe(events[19].position);
      reopened.applyBatch(events);
      expect(reopened.dump().executions).toHaveLength(24);
      reopened.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
