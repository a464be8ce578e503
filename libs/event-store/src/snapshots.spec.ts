import type { TaskDefinition } from '@sched/contracts';
import { taskDecider, type TaskCommand, type TaskState } from '@sched/domain';
import { SNAPSHOT_EVERY_EVENTS, foldHistory, handleCommand, readState } from './command-handler';
import { MemoryEventStore } from './memory/memory-event-store';
import type { Snapshot } from './snapshots';
import { processView } from './testing/process-view';

const definition: TaskDefinition = { name: 'n', description: '', executor: 'noop', config: {}, schedules: [], tags: [] };
const context = { correlationId: 'c', causationId: 'c', actor: 'test', nowMs: Date.now() };
const trigger = (id: string): TaskCommand => ({ type: 'TriggerTask', data: { taskId: 't1', executionId: id } });
const EVENTS = SNAPSHOT_EVERY_EVENTS + 501; // TaskCreated and the triggers: revisions 0 … 1500

async function longTaskStream(): Promise<MemoryEventStore> {
  const store = new MemoryEventStore();
  const { view } = processView(store);
  await handleCommand(view, 'task-t1', taskDecider, { type: 'CreateTask', data: { taskId: 't1', definition, nowMs: Date.now() } }, context);
  for (let i = 1; i < EVENTS; i += 1) await handleCommand(view, 'task-t1', taskDecider, trigger(`x-${i}`), context);
  return store;
}

const wholeFold = async (store: MemoryEventStore): Promise<string> => JSON.stringify(foldHistory(taskDecider, await store.read('task-t1')));

describe('snapshots of long streams', () => {
  it('a process that never folded a long task stream starts from its snapshot, reads what came after, decides the same', async () => {
    const store = await longTaskStream();
    expect(store.snapshots.saves).toBe(1);
    expect((await store.snapshots.load('task-t1'))?.revision).toBe(SNAPSHOT_EVERY_EVENTS - 1);

    const restarted = processView(store);
    const state = await readState<TaskState, never>(restarted.view, 'task-t1', taskDecider);
    expect(restarted.eventsRead()).toBe(EVENTS - SNAPSHOT_EVERY_EVENTS + 1); // the snapshot's own event and the 501 after it
    expect(JSON.stringify(state)).toBe(await wholeFold(store));
    // A retried trigger from before the snapshot still acts once; a new one lands.
    expect((await handleCommand(restarted.view, 'task-t1', taskDecider, trigger('x-7'), context)).appended).toEqual([]);
    expect((await handleCommand(restarted.view, 'task-t1', taskDecider, trigger('new'), context)).appended).toHaveLength(1);
  });

  it('a snapshot of another history of the stream, of another codec version, or that does not decode is not used', async () => {
    const store = await longTaskStream();
    const saved = (await store.snapshots.load('task-t1'))!;
    const unusable: Snapshot[] = [
      { ...saved, eventId: 'an-event-of-another-history' },
      { ...saved, codec: 'task@0' },
      { ...saved, state: { status: 'active', triggeredExecutionIds: 5 } },
    ];
    for (const snapshot of unusable) {
      await store.snapshots.save('task-t1', snapshot);
      const restarted = processView(store);
      const state = await readState<TaskState, never>(restarted.view, 'task-t1', taskDecider);
      expect(restarted.eventsRead()).toBeGreaterThanOrEqual(EVENTS); // the whole stream
      expect(JSON.stringify(state)).toBe(await wholeFold(store));
    }
  });

  it('a short stream is looked up in the snapshot store once, not on every command (it is not kept, and has none)', async () => {
    const store = new MemoryEventStore();
    await handleCommand(store, 'task-t1', taskDecider, { type: 'CreateTask', data: { taskId: 't1', definition, nowMs: Date.now() } }, context);
    for (let i = 1; i <= 5; i += 1) await handleCommand(store, 'task-t1', taskDecider, trigger(`x-${i}`), context);
    expect(store.snapshots.loads).toBe(1);
  });

  it('a decider without a codec gets no snapshots', async () => {
    const store = new MemoryEventStore();
    const plain = { ...taskDecider, snapshots: undefined };
    await handleCommand(store, 'task-t1', plain, { type: 'CreateTask', data: { taskId: 't1', definition, nowMs: Date.now() } }, context);
    for (let i = 1; i < EVENTS; i += 1) await handleCommand(store, 'task-t1', plain, trigger(`x-${i}`), context);
    expect(store.snapshots.saves).toBe(0);
  });
});
