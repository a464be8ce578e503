import type { TaskDefinition } from '@sched/contracts';
import { taskDecider, type TaskCommand, type TaskState } from '@sched/domain';
import { connectNats } from '../../../messaging/src/nats-connection';
import { SNAPSHOT_EVERY_EVENTS, foldHistory, handleCommand, readState } from '../command-handler';
import { HashChainingEventStore } from '../hash-chain';
import { useJetStreamStore } from '../testing/jetstream-store-fixture';
import { processView } from '../testing/process-view';
import { createJetStreamEventStore } from './jetstream-event-store';
import { DEFAULT_SNAPSHOT_BUCKET } from './kv-snapshot-store';

const definition: TaskDefinition = { name: 'n', description: '', executor: 'noop', config: {}, schedules: [], tags: [] };
const context = { correlationId: 'c', causationId: 'c', actor: 'test', nowMs: Date.now() };
const trigger = (id: string): TaskCommand => ({ type: 'TriggerTask', data: { taskId: 'long', executionId: id } });

describe('snapshots in NATS KV (real nats-server)', () => {
  const fixture = useJetStreamStore('kv-snapshot-spec');
  afterEach(async () => {
    await fixture.jsm?.streams.delete(`KV_${DEFAULT_SNAPSHOT_BUCKET}`).catch(() => undefined);
  });

  it('keeps the latest snapshot per stream, any stream id as key; one too big for a message is not saved', async () => {
    const snapshots = fixture.store.snapshots;
    const snapshot = { codec: 'task@1', revision: 3, eventId: 'e3', state: { status: 'active', ids: ['a'] } };
    await snapshots.save('task-a.b_c@d', snapshot);
    await snapshots.save('task-a.b_c@d', { ...snapshot, revision: 4, eventId: 'e4' });
    expect(await snapshots.load('task-a.b_c@d')).toEqual({ ...snapshot, revision: 4, eventId: 'e4' });
    expect(await snapshots.load('task-never')).toBeUndefined();
    await snapshots.save('task-huge', { ...snapshot, state: 'x'.repeat(1024 * 1024) });
    expect(await snapshots.load('task-huge')).toBeUndefined();
  });

  it('a restarted process reads a long task stream from its snapshot, through the hash-chaining store as the apps do', async () => {
    const writer = new HashChainingEventStore(fixture.store);
    await handleCommand(writer, 'task-long', taskDecider, { type: 'CreateTask', data: { taskId: 'long', definition, nowMs: Date.now() } }, context);
    for (let i = 1; i <= SNAPSHOT_EVERY_EVENTS + 200; i += 1) await handleCommand(writer, 'task-long', taskDecider, trigger(`run-${i}`), context);

    // A process of its own: its own connection, store and (empty) kept states.
    const nc = await connectNats(fixture.nats.url, 'kv-snapshot-spec-restarted');
    const store = await createJetStreamEventStore(nc);
    try {
      const restarted = processView(new HashChainingEventStore(store));
      const state = await readState<TaskState, never>(restarted.view, 'task-long', taskDecider);
      expect(restarted.eventsRead()).toBe(202); // the snapshot's event (revision 999) and the 201 after it
      expect(JSON.stringify(state)).toBe(JSON.stringify(foldHistory(taskDecider, await store.read('task-long'))));
      expect((await handleCommand(restarted.view, 'task-long', taskDecider, trigger('run-5'), context)).appended).toEqual([]);
    } finally {
      await store.close();
      await nc.close();
    }
  }, 60_000);
});
