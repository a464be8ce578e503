import type { EventEnvelope, TaskDefinition } from '@sched/contracts';
import { taskDecider, type TaskCommand } from '@sched/domain';
import { handleCommand, readState } from './command-handler';
import { WrongExpectedVersionError } from './errors';
import type { AppendResult, ExpectedVersion } from './event-store.port';
import { KeyedSerialQueue } from './keyed-serial-queue';
import { MemoryEventStore } from './memory/memory-event-store';

const definition: TaskDefinition = { name: 'n', description: '', executor: 'noop', config: {}, schedules: [], tags: [] };
const context = { correlationId: 'c', causationId: 'c', actor: 'test', nowMs: Date.now() };
const create: TaskCommand = { type: 'CreateTask', data: { taskId: 't1', definition, nowMs: Date.now() } };
const trigger = (i: number): TaskCommand => ({ type: 'TriggerTask', data: { taskId: 't1', executionId: `x-${i}` } });

/** A store where another process appends to the stream just before each of our first `races` appends. */
class RacedStore extends MemoryEventStore {
  constructor(private races: number) {
    super();
  }

  override async append(streamId: string, events: readonly EventEnvelope[], options: { expected: ExpectedVersion }): Promise<AppendResult> {
    if (this.races > 0 && typeof options.expected === 'number') {
      this.races -= 1;
      // Another trigger of the same task, by someone else, whose clock is 1 s ahead.
      const occurredAt = new Date(Date.parse(events[0].metadata.occurredAt) + 1_000).toISOString();
      const other = { ...events[0], id: `${events[0].id}-other`, data: { ...(events[0].data as object), executionId: `other-${this.races}` }, metadata: { ...events[0].metadata, occurredAt } };
      await super.append(streamId, [other], { expected: 'any' });
    }
    return super.append(streamId, events, options);
  }
}

/** A store that notes how many events each commit held. */
class CommitCountingStore extends MemoryEventStore {
  readonly commitSizes: number[] = [];

  override append(streamId: string, events: readonly EventEnvelope[], options: { expected: ExpectedVersion }): Promise<AppendResult> {
    this.commitSizes.push(events.length);
    return super.append(streamId, events, options);
  }
}

/** A store that notes the revision each read of a stream started at. */
class ReadCountingStore extends MemoryEventStore {
  readonly readsFrom: number[] = [];

  override read(streamId: string, options?: { fromRevision?: number }): ReturnType<MemoryEventStore['read']> {
    this.readsFrom.push(options?.fromRevision ?? 0);
    return super.read(streamId, options);
  }
}

describe('handleCommand', () => {
  it("a long stream is read from where the last command's state was folded, what others appended since included", async () => {
    const store = new ReadCountingStore();
    await handleCommand(store, 'task-t1', taskDecider, create, context);
    for (let i = 0; i < 40; i += 1) await handleCommand(store, 'task-t1', taskDecider, trigger(i), context);
    store.readsFrom.length = 0;
    // Another process triggers meanwhile; then a retried trigger of ours acts once, a new one lands after theirs.
    await store.append('task-t1', [{ id: 'e-other', type: 'TaskTriggered', data: { taskId: 't1', executionId: 'theirs' }, metadata: { ...context, occurredAt: new Date().toISOString(), schemaVersion: 1 } }], { expected: 40 });
    expect((await handleCommand(store, 'task-t1', taskDecider, trigger(7), context)).appended).toEqual([]);
    const theirsAgain: TaskCommand = { type: 'TriggerTask', data: { taskId: 't1', executionId: 'theirs' } };
    expect((await handleCommand(store, 'task-t1', taskDecider, theirsAgain, context)).appended).toEqual([]);
    const fresh = await handleCommand(store, 'task-t1', taskDecider, trigger(99), context);
    expect(fresh.revision).toBe(42);
    // Each read began after the revision the previous command was decided on (32+ events: kept), never at 0: the
    // last trigger was decided at 39 (its own event is 40), the next two at 41 (theirs).
    expect(store.readsFrom).toEqual([40, 42, 42]);
    // readState reads the same way, the command's own event included.
    const state = await readState(store, 'task-t1', taskDecider);
    expect(state.status !== 'none' && state.triggeredExecutionIds.has('x-99')).toBe(true);
    expect(store.readsFrom).toEqual([40, 42, 42, 42]);
  });

  it('serves a burst of commands on one stream in turn: every one lands, none answers CONFLICT', async () => {
    const store = new MemoryEventStore();
    await handleCommand(store, 'task-t1', taskDecider, create, context);
    // maxAttempts 1: any race between these would throw.
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => handleCommand(store, 'task-t1', taskDecider, trigger(i), context, { maxAttempts: 1 })));
    expect(results.map((result) => result.revision).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect((await store.read('task-t1')).filter((event) => event.type === 'TaskTriggered')).toHaveLength(40);
  });

  it('retries a command that lost a race to another process, reading and deciding again', async () => {
    const store = new RacedStore(2);
    await handleCommand(store, 'task-t1', taskDecider, create, context);
    const result = await handleCommand(store, 'task-t1', taskDecider, trigger(1), context);
    expect(result.appended.map((event) => event.type)).toEqual(['TaskTriggered']);
    expect(result.revision).toBe(3); // two foreign appends came first
  });

  it('splits decided events over the byte budget into commits that follow each other, each under it where an event allows', async () => {
    const store = new CommitCountingStore();
    const bulky: TaskCommand = { type: 'CreateTask', data: { taskId: 't2', definition: { ...definition, description: 'x'.repeat(3_000) }, enabled: false, nowMs: Date.now() } };
    const result = await handleCommand(store, 'task-t2', taskDecider, bulky, context, { splitCommitsOverBytes: 2_000 });
    expect(store.commitSizes).toEqual([1, 1]); // TaskCreated (over the budget alone), then TaskDisabled
    expect(result.revision).toBe(1);
    expect((await store.read('task-t2')).map((event) => [event.type, event.revision])).toEqual([['TaskCreated', 0], ['TaskDisabled', 1]]);
  });

  it("stamps events no earlier than the stream's last one, whatever the command's clock said (occurredAt never goes back along a stream)", async () => {
    const store = new RacedStore(0);
    const base = Date.parse('2030-01-01T00:00:00.000Z');
    const at = (ms: number) => ({ ...context, nowMs: base + ms });
    await handleCommand(store, 'task-t1', taskDecider, create, at(0));
    // Another gateway, whose clock is 2.6 s ahead, triggers between each of ours (short stream, then kept past 32 events).
    for (let i = 0; i < 40; i += 1) {
      const revision = (await store.read('task-t1')).length - 1;
      const theirs = { id: `theirs-${i}`, type: 'TaskTriggered', data: { taskId: 't1', executionId: `theirs-${i}` }, metadata: { ...context, occurredAt: new Date(base + i * 10 + 2_600).toISOString(), schemaVersion: 1 } };
      await store.append('task-t1', [theirs], { expected: revision });
      await handleCommand(store, 'task-t1', taskDecider, trigger(i), at(i * 10 + 5));
    }
    // And a command that loses a race is stamped again, after the event it lost to (RacedStore's is 1 s after ours).
    (store as unknown as { races: number }).races = 1;
    const late = { ...context, nowMs: base + 1_000 };
    const raced = await handleCommand(store, 'task-t1', taskDecider, trigger(100), late);
    expect(raced.revision).toBe(82);
    expect(raced.appended[0].metadata.occurredAt).toBe(new Date(base + 390 + 2_600 + 1_000).toISOString());
    const times = (await store.read('task-t1')).map((event) => Date.parse(event.metadata.occurredAt));
    const backwards = times.filter((time, i) => i > 0 && time < times[i - 1]);
    expect(backwards).toEqual([]);
    expect(times[2]).toBe(base + 2_600); // ours (nowMs +5) after theirs (+2,600): stamped as theirs, not before it
  });

  it('gives up with WrongExpectedVersion after maxAttempts lost races', async () => {
    const store = new RacedStore(10);
    await handleCommand(store, 'task-t1', taskDecider, create, context);
    await expect(handleCommand(store, 'task-t1', taskDecider, trigger(1), context, { maxAttempts: 3 })).rejects.toBeInstanceOf(WrongExpectedVersionError);
  });
});

describe('KeyedSerialQueue', () => {
  it('runs one key in order, other keys alongside, goes on after a failure and forgets drained keys', async () => {
    const queue = new KeyedSerialQueue();
    const order: string[] = [];
    const step = (name: string, ms: number, fail = false) => async () => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      order.push(name);
      if (fail) throw new Error(name);
      return name;
    };
    const a1 = queue.run('a', step('a1', 20, true));
    const a2 = queue.run('a', step('a2', 1));
    const b1 = queue.run('b', step('b1', 5));
    await expect(a1).rejects.toThrow('a1');
    await expect(a2).resolves.toBe('a2');
    await expect(b1).resolves.toBe('b1');
    expect(order).toEqual(['b1', 'a1', 'a2']);
    expect(queue.size()).toBe(0);
  });
});
