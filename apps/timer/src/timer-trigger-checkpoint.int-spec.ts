import { Kvm } from '@nats-io/kv';
import { Logger } from '@nestjs/common';
import { toTaskStreamId, type TaskDefinition } from '@sched/contracts';
import { taskDecider } from '@sched/domain';
import { MemoryEventStore, handleCommand, toEnvelopes, type EventStore } from '@sched/event-store';
import { loadConfig } from '@sched/messaging';
import { useTestNats } from '../../../test/support/nats';
import { waitFor } from '../../../test/support/wait-for';
import { WATERMARKS_BUCKET } from './ha/partition-leases';
import { TimerService } from './timer.service';

/** Counts the appends to execution streams (the timer's fires, refused ones too); those to `failing` fail. */
class CountingStore extends MemoryEventStore {
  executionAppends = 0;
  failing?: string;

  override async append(...args: Parameters<EventStore['append']>): ReturnType<EventStore['append']> {
    if (args[0].startsWith('execution-')) this.executionAppends += 1;
    if (args[0] === this.failing) throw new Error('store unavailable for this stream (test)');
    return super.append(...args);
  }
}

const definition: TaskDefinition = { name: 'manual', description: '', executor: 'noop', config: {}, schedules: [], tags: [] };

async function createTask(store: EventStore, taskId: string): Promise<void> {
  const meta = { correlationId: taskId, causationId: taskId, actor: 'test', nowMs: Date.now() };
  await handleCommand(store, toTaskStreamId(taskId), taskDecider, { type: 'CreateTask', data: { taskId, definition, nowMs: meta.nowMs } }, meta);
}

async function trigger(store: EventStore, taskId: string, executionId: string): Promise<void> {
  const meta = { correlationId: executionId, causationId: executionId, actor: 'test', nowMs: Date.now() };
  await handleCommand(store, toTaskStreamId(taskId), taskDecider, { type: 'TriggerTask', data: { taskId, executionId } }, meta);
}

async function dues(store: EventStore): Promise<string[]> {
  const ids: string[] = [];
  for await (const event of store.readAll({ filter: { eventTypes: ['TaskDue'] } })) ids.push(event.streamId);
  return ids;
}

/**
 * A starting timer re-fires the manual triggers a crash may have left without their TaskDue. It used to re-fire
 * every trigger in history (each refused as already fired, one at a time, before it followed the log); now only
 * those after the trigger checkpoint, which the timers keep in NATS KV.
 */
describe('timer start after many manual triggers (real nats-server for the checkpoint)', () => {
  const servers = useTestNats();

  const startTimer = async (store: EventStore, instanceId: string): Promise<TimerService> => {
    const timer = new TimerService(store, servers.nc, loadConfig({ NATS_URL: servers.nats.url, INSTANCE_ID: instanceId, TIMER_PARTITIONS: '1', TIMER_LEASE_TTL_MS: '1200' }));
    await timer.onApplicationBootstrap();
    return timer;
  };

  it('re-fires only the triggers after the checkpoint: the ones made while no timer ran', async () => {
    const store = new CountingStore();
    await createTask(store, 'manual');
    const first = await startTimer(store, 'timer-a');
    for (let i = 0; i < 2_000; i += 1) await trigger(store, 'manual', `run-${i}`);
    await waitFor(async () => (await dues(store)).length === 2_000, 30_000, '2,000 TaskDue');
    await first.onModuleDestroy();

    // Two triggers while no timer runs: the next start must fire them, and nothing else.
    await trigger(store, 'manual', 'while-down-1');
    await trigger(store, 'manual', 'while-down-2');
    store.executionAppends = 0;
    const startedAt = Date.now();
    const second = await startTimer(store, 'timer-b');
    const startMs = Date.now() - startedAt;
    try {
      const fired = await dues(store);
      expect(fired).toHaveLength(2_002);
      expect(new Set(fired).size).toBe(2_002);
      expect(fired).toEqual(expect.arrayContaining(['execution-while-down-1', 'execution-while-down-2']));
      // Before: 2,002 appends (2,000 refused) before the timer followed the log.
      expect(store.executionAppends).toBe(2);
      console.log(`timer start after 2,002 triggers: ${startMs} ms, ${store.executionAppends} fires`);
    } finally {
      await second.onModuleDestroy();
      await store.close();
    }
  }, 60_000);

  it('a trigger recorded twice (retried after its task forgot the id: TRIGGER_IDS_KEPT) runs once', async () => {
    const store = new CountingStore();
    await createTask(store, 'manual');
    const timer = await startTimer(store, 'timer-d');
    try {
      await trigger(store, 'manual', 'retried-late');
      await waitFor(async () => (await dues(store)).length === 1, 10_000, 'the first TaskDue');
      const again = toEnvelopes([{ type: 'TaskTriggered', data: { taskId: 'manual', executionId: 'retried-late' } }], { correlationId: 'r', causationId: 'r', actor: 'test', nowMs: Date.now() });
      await store.append(toTaskStreamId('manual'), again, { expected: 'any' });
      await waitFor(() => store.executionAppends === 2, 10_000, 'the timer to fire the second TaskTriggered');
      expect(await dues(store)).toEqual(['execution-retried-late']);
    } finally {
      await timer.onModuleDestroy();
      await store.close();
    }
  }, 30_000);

  it('a trigger still being fired holds the checkpoint below it, while later ones are recorded; the next start fires it', async () => {
    Logger.overrideLogger(['error']); // the stuck fire warns once a second, by design
    const store = new CountingStore();
    store.failing = 'execution-stuck';
    await createTask(store, 'manual');
    const first = await startTimer(store, 'timer-e');
    let stuckAt: number;
    try {
      for (const id of ['stuck', 'after-1', 'after-2']) await trigger(store, 'manual', id);
      stuckAt = (await store.read(toTaskStreamId('manual'))).find((event) => (event.data as { executionId?: string }).executionId === 'stuck')!.position;
      await waitFor(async () => (await dues(store)).length === 2, 10_000, 'the two later triggers to be recorded');
      await new Promise((resolve) => setTimeout(resolve, 1_200)); // two checkpoint saves
      const watermarks = await new Kvm(servers.nc).create(WATERMARKS_BUCKET, { history: 1 });
      expect(Number((await watermarks.get('triggers'))!.string())).toBeLessThan(stuckAt);
    } finally {
      await first.onModuleDestroy();
    }
    store.failing = undefined;
    const second = await startTimer(store, 'timer-f');
    try {
      await waitFor(async () => (await dues(store)).includes('execution-stuck'), 10_000, 'the stuck trigger fired at the next start');
      expect((await dues(store)).sort()).toEqual(['execution-after-1', 'execution-after-2', 'execution-stuck']);
    } finally {
      await second.onModuleDestroy();
      await store.close();
      Logger.overrideLogger(['log', 'error', 'warn']);
    }
  }, 30_000);

  it('a checkpoint past the log head (another log, e.g. a fresh store) is not trusted: every trigger is re-fired', async () => {
    const watermarks = await new Kvm(servers.nc).create(WATERMARKS_BUCKET, { history: 1 });
    const store = new CountingStore();
    await createTask(store, 'manual');
    await trigger(store, 'manual', 'fresh-log');
    await watermarks.put('triggers', String((await store.headPosition()) + 1_000_000));
    const timer = await startTimer(store, 'timer-c');
    try {
      expect(await dues(store)).toEqual(['execution-fresh-log']);
    } finally {
      await timer.onModuleDestroy();
      await store.close();
    }
  }, 30_000);
});
