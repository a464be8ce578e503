import type { TaskDefinition } from '@sched/contracts';
import { taskDecider, type TaskCommand } from '@sched/domain';
import { handleCommand } from './command-handler';
import { EARLIER_COPY_SEARCH_EVENTS } from './earlier-copy';
import { MemoryEventStore } from './memory/memory-event-store';

const definition: TaskDefinition = { name: 'n', description: '', executor: 'noop', config: {}, schedules: [], tags: [] };
const create: TaskCommand = { type: 'CreateTask', data: { taskId: 't1', definition, enabled: false, nowMs: Date.now() } };
const trigger = (executionId: string): TaskCommand => ({ type: 'TriggerTask', data: { taskId: 't1', executionId } });
/** The context of the command with id `commandId`, from a gateway. */
const by = (commandId: string, actor = 'user:nats') => ({ correlationId: commandId, causationId: commandId, actor, nowMs: Date.now() });
const retry = { answerEarlierCopy: true };

/** A task stream: t1 created (disabled, so TaskCreated + TaskDisabled in one commit), then enabled. */
async function createdTask(): Promise<MemoryEventStore> {
  const store = new MemoryEventStore();
  await handleCommand(store, 'task-t1', taskDecider, create, by('create-1'));
  await handleCommand(store, 'task-t1', taskDecider, { type: 'EnableTask', data: { taskId: 't1' } }, by('enable-1'));
  return store;
}

/** `count` TaskUpdated of t1, each by a command of its own, appended as another writer would. */
async function appendUpdates(store: MemoryEventStore, count: number): Promise<void> {
  const updates = Array.from({ length: count }, (_, i) => ({
    id: `update-${i}`,
    type: 'TaskUpdated',
    data: { taskId: 't1', changes: { description: `d${i}` } },
    metadata: { ...by(`update-${i}`), occurredAt: new Date().toISOString(), schemaVersion: 1 },
  }));
  for (let i = 0; i < count; i += 1_000) await store.append('task-t1', updates.slice(i, i + 1_000), { expected: 'any' });
}

describe('handleCommand answering an earlier copy of the command (answerEarlierCopy)', () => {
  it('a retry the decider decides nothing on answers what the first copy appended, found behind later events', async () => {
    const store = await createdTask();
    const first = await handleCommand(store, 'task-t1', taskDecider, trigger('run-1'), by('run-1'));
    // Beyond the first search window (64 events): the search widens.
    for (let i = 0; i < 200; i += 1) await handleCommand(store, 'task-t1', taskDecider, trigger(`other-${i}`), by(`other-${i}`));

    const retried = await handleCommand(store, 'task-t1', taskDecider, trigger('run-1'), by('run-1'), retry);
    expect(retried.appended.map(({ id, type, data }) => ({ id, type, data }))).toEqual(first.appended.map(({ id, type, data }) => ({ id, type, data })));
    expect([retried.revision, retried.position]).toEqual([first.revision, first.position]);
  });

  it('a retry the decider refuses answers the first copy\'s whole commit (a create: TaskCreated and TaskDisabled)', async () => {
    const store = await createdTask();
    // 65 events: the first search window (64) starts at TaskDisabled, in the middle of the commit.
    await appendUpdates(store, 62);
    const retried = await handleCommand(store, 'task-t1', taskDecider, create, by('create-1'), retry);
    expect(retried.appended.map((event) => event.type)).toEqual(['TaskCreated', 'TaskDisabled']);
    expect(retried.revision).toBe(1);
  });

  it('without an earlier copy, a refusal stays a refusal and nothing to do stays nothing', async () => {
    const store = await createdTask();
    await expect(handleCommand(store, 'task-t1', taskDecider, create, by('create-2'), retry)).rejects.toMatchObject({ code: 'CONFLICT' });
    await handleCommand(store, 'task-t1', taskDecider, trigger('run-1'), by('run-1'));
    // The same trigger under another command id (or by another writer) is no copy of it.
    expect((await handleCommand(store, 'task-t1', taskDecider, trigger('run-1'), by('run-2'), retry)).appended).toEqual([]);
    expect((await handleCommand(store, 'task-t1', taskDecider, trigger('run-1'), by('run-1', 'timer:t'), retry)).appended).toEqual([]);
  });

  it('is not looked for unless asked (a command id made by the gateway has no retries)', async () => {
    const store = await createdTask();
    await handleCommand(store, 'task-t1', taskDecider, trigger('run-1'), by('run-1'));
    expect((await handleCommand(store, 'task-t1', taskDecider, trigger('run-1'), by('run-1'))).appended).toEqual([]);
  });

  it(`searches the newest ${EARLIER_COPY_SEARCH_EVENTS} events only: an older copy is not found`, async () => {
    const store = await createdTask();
    await handleCommand(store, 'task-t1', taskDecider, trigger('run-1'), by('run-1'));
    await appendUpdates(store, EARLIER_COPY_SEARCH_EVENTS);
    expect((await handleCommand(store, 'task-t1', taskDecider, trigger('run-1'), by('run-1'), retry)).appended).toEqual([]);
  });
});
