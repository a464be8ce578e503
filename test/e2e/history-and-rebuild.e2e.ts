import { SchedClient } from '@sched/client';
import type { HistoryEntry } from '@sched/contracts';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { ReadModelStore } from '../../apps/projector/src/store/read-model.store';
import { spawnApp } from '../support/app-process';
import { startTestSystem, waitFor, type TestSystem } from '../support/system';

describe('history, time travel and rebuild over the whole system', () => {
  let system: TestSystem;
  let client: SchedClient;
  let taskId: string;
  const executionIds: string[] = [];
  let afterUpdate: string;

  beforeAll(async () => {
    system = await startTestSystem();
    client = await SchedClient.connect(system.nats.url);
    ({ taskId } = await client.createTask({ name: 'history', executor: 'noop', config: { payload: 'x'.repeat(2000) } }));
    await client.updateTask({ taskId, description: 'v2' });
    afterUpdate = new Date().toISOString();
    await waitFor(() => Date.now() > Date.parse(afterUpdate) + 2, 1000, 'the clock to move on');
    for (let i = 0; i < 30; i++) executionIds.push((await client.triggerTask({ taskId })).executionId);
    const other = await client.createTask({ name: 'other', executor: 'noop', tags: ['x'] });
    await client.triggerTask({ taskId: other.taskId });
    await client.pauseTask({ taskId: other.taskId });
    await waitFor(async () => (await client.stats({ taskId })).finished === 30, 20_000, 'all executions to finish');
  }, 40_000);
  afterAll(async () => {
    await client?.close();
    await system?.close();
  });

  it('the history of a task: its stream and every execution, in commit order, paged under the payload limit', async () => {
    const pages: number[] = [];
    const all: HistoryEntry[] = [];
    let cursor: number | undefined;
    do {
      const page = await client.historyPage({ taskId, afterPosition: cursor, limit: 7 });
      pages.push(page.events.length);
      all.push(...page.events);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    const taskStream = all.filter((e) => e.streamId === `task-${taskId}`);
    expect(taskStream.map((e) => e.type)).toEqual(['TaskCreated', 'TaskUpdated', ...executionIds.map(() => 'TaskTriggered')]);
    expect(all).toHaveLength(32 + 30 * 3);
    expect(all.map((e) => e.position)).toEqual([...all.map((e) => e.position)].sort((a, b) => a - b));
    expect(new Set(all.map((e) => e.position)).size).toBe(all.length);
    expect(pages.every((n) => n <= 7)).toBe(true);
    expect(all.every((e) => typeof e.metadata.occurredAt === 'string' && typeof e.metadata.hash === 'string')).toBe(true);
    // The same through the SDK's iterator, and for one execution.
    const iterated: HistoryEntry[] = [];
    for await (const event of client.history({ taskId, limit: 50 })) iterated.push(event);
    expect(iterated.map((e) => e.id)).toEqual(all.map((e) => e.id));
    const one = await client.historyPage({ executionId: executionIds[3] });
    expect(one.events.map((e) => e.type)).toEqual(['TaskDue', 'TaskStarted', 'TaskSucceeded']);
  });

  it('time travel: the task as of before its update, and an execution as of before it started', async () => {
    const before = await client.asOf({ taskId, at: afterUpdate });
    expect(before).toMatchObject({ revision: 1, state: { status: 'active', definition: { description: 'v2' }, triggeredExecutionIdCount: 0 } });
    const created = await client.historyPage({ taskId, limit: 1 });
    const atCreation = await client.asOf({ taskId, at: created.events[0].metadata.occurredAt as string });
    expect(atCreation).toMatchObject({ revision: 0, state: { definition: { description: '' } } });
    expect(await client.asOf({ taskId, at: '2000-01-01T00:00:00Z' })).toMatchObject({ revision: -1, state: { status: 'none' } });
    const [due] = (await client.historyPage({ executionId: executionIds[0] })).events;
    const execution = await client.asOf({ executionId: executionIds[0], at: due.metadata.occurredAt as string });
    expect(execution).toMatchObject({ revision: 0, state: { status: 'due', attempt: 0 } });
    const now = await client.asOf({ executionId: executionIds[0], at: new Date() });
    expect(now).toMatchObject({ revision: 2, state: { status: 'succeeded', attempt: 1 } });
  });

  it('a rebuild from position 0 gives tables identical to the live-built ones', async () => {
    const store = system.app.get(ReadModelStore);
    const live = store.dump();
    expect(live.executions.length).toBe(31);
    expect(live.attempts.length).toBe(31);
    const result = await client.rebuildReadModels();
    expect(result.events).toBeGreaterThanOrEqual(live.executions.length * 3);
    expect(result.instances).toEqual([{ instanceId: 'test', events: result.events, position: result.position, durationMs: result.durationMs }]);
    expect(store.dump()).toEqual(live);
  });

  it('a rebuild reaches every projector instance (each keeps read models of its own), not just the one the command reached', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sched-second-projector-'));
    const second = spawnApp('projector', { NATS_URL: system.nats.url, DATA_DIR: dataDir, INSTANCE_ID: 'projector-2', LOG_LEVEL: 'warn' });
    try {
      await second.waitForOutput('sched-projector ready', 60_000);
      const head = await system.store.headPosition();
      // Both ways round: whichever instance the queue group hands the command to asks the other.
      for (let i = 0; i < 2; i += 1) {
        const result = await client.rebuildReadModels();
        expect(result.instances.map((instance) => instance.instanceId)).toEqual(['projector-2', 'test']);
        for (const instance of result.instances) {
          expect(instance).toMatchObject({ position: head, events: expect.any(Number) });
          expect(instance.error).toBeUndefined();
          expect(instance.events).toBeGreaterThanOrEqual(93); // the 31 executions' three events each, at least
        }
      }
    } finally {
      await second.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
