import * as path from 'node:path';
import Database from 'better-sqlite3';
import { SchedClient, type FeedEvent } from '@sched/client';
import { Subjects, toExecutionStreamId, type TaskCommandResult, type TaskDue, type TaskStatsView } from '@sched/contracts';
import { executionDecider } from '@sched/domain';
import { toEnvelopes } from '@sched/event-store';
import { waitFor } from '../support/system';
import { forEachConcurrently } from '../support/fuzz-payloads';
import { executionAnomalies, sleep, startFaultSystem, type FaultSystem } from './fault-system';

const BACKLOG = 20_000;

/** Appends `count` due executions of `taskId` straight to the log (as a timer would), `concurrency` at a time. */
async function appendDueExecutions(system: FaultSystem, taskId: string, count: number, firstMs: number): Promise<void> {
  const indexes = Array.from({ length: count }, (_, i) => i);
  await forEachConcurrently(indexes, 256, async (i) => {
    const scheduledAt = new Date(firstMs + i * 1000).toISOString();
    const due: TaskDue['data'] = { taskId, executionId: `${taskId}@${firstMs + i * 1000}`, executor: 'noop', config: {}, scheduledAt, reason: 'schedule', taskRevision: 0 };
    const events = executionDecider.decide({ type: 'ScheduleExecution', data: due }, executionDecider.initialState());
    const envelopes = toEnvelopes(events, { correlationId: due.executionId, causationId: due.executionId, actor: 'test', nowMs: Date.now() });
    await system.store.append(toExecutionStreamId(due.executionId), envelopes, { expected: 'no_stream' });
  });
}

async function createTask(system: FaultSystem, name: string, executor = 'noop'): Promise<string> {
  const created = await system.requestUntilAnswered<TaskCommandResult>(Subjects.cmd.taskCreate, { name, executor });
  if (!created.ok) throw new Error(JSON.stringify(created.error));
  return created.result.taskId;
}

describe('projector killed mid-batch', () => {
  let system: FaultSystem;
  beforeAll(async () => {
    // No timer, relay or executor: the executions stay due, so the counts below are exactly what was appended.
    system = await startFaultSystem(['gateway', 'projector']);
  }, 120_000);
  afterAll(async () => {
    await system?.close();
  });

  it(`kill -9 while it catches up on ${BACKLOG} events, restart: every event applied exactly once`, async () => {
    const taskId = await createTask(system, 'projector backlog');
    await system.running('projector')[0].kill9();
    const before = await system.store.headPosition();
    await appendDueExecutions(system, taskId, BACKLOG, Date.UTC(2020, 0, 1));
    const head = await system.store.headPosition();

    // Start it and kill it as soon as its checkpoint shows it is part-way through the backlog.
    const projector = system.start('projector');
    const db = path.join(system.dataDir, 'read-models.sqlite');
    const killedAt = await waitFor(() => {
      try {
        const row = new Database(db, { readonly: true, fileMustExist: true }).prepare('SELECT max(position) AS position FROM checkpoints').get() as { position: number | null };
        return row.position !== null && row.position > before && row.position < head ? row.position : undefined;
      } catch {
        return undefined; // not created yet, or busy
      }
    }, 60_000, 'the projector to be part-way through the backlog');
    (await projector).child.kill('SIGKILL');
    await sleep(200);

    await system.start('projector');
    const stats = await system.requestUntilAnswered<TaskStatsView>(Subjects.query.stats, { taskId, minPosition: head });
    if (!stats.ok) throw new Error(JSON.stringify(stats.error));
    const listed = await system.requestUntilAnswered<{ items: unknown[] }>(Subjects.query.executionList, { taskId, status: 'due', limit: 1 });
    console.log(`projector kill -9 mid-catch-up: ${JSON.stringify({ events: BACKLOG, killedAtPosition: killedAt, head, statsTotal: stats.result.total })}`);
    expect(killedAt).toBeLessThan(head);
    expect(stats.result.total).toBe(BACKLOG); // a twice-applied TaskDue would count twice
    expect(listed.ok).toBe(true);
  }, 120_000);
});

describe('relay killed', () => {
  let system: FaultSystem;
  beforeAll(async () => {
    system = await startFaultSystem(['gateway', 'projector', 'timer', 'relay', 'executor']);
  }, 120_000);
  afterAll(async () => {
    await system?.close();
  });

  it('a live subscriber gets every event exactly once, in order, across a relay kill -9 and restart', async () => {
    const taskId = await createTask(system, 'relay fault');
    const client = await SchedClient.connect(system.nc);
    const fromPosition = await system.store.headPosition();
    const feed = client.subscribe({ taskId, fromPosition });
    const received: FeedEvent[] = [];
    const reading = (async () => {
      for await (const event of feed) received.push(event);
    })();

    const triggers: Array<Promise<unknown>> = [];
    for (let i = 0; i < 60; i += 1) {
      triggers.push(system.requestUntilAnswered(Subjects.cmd.taskTrigger, { taskId }));
      if (i === 20) await system.running('relay')[0].kill9();
      if (i === 40) void system.start('relay');
      await sleep(50);
    }
    const replies = await Promise.all(triggers);
    expect(replies.filter((reply) => !(reply as { ok: boolean }).ok)).toEqual([]); // no trigger lost to a CONFLICT
    await waitFor(async () => {
      const executions = await system.executions();
      return executions.size === 60 && executionAnomalies(executions).unfinished.length === 0 ? true : undefined;
    }, 60_000, '60 ended executions');
    const expected: string[] = [];
    for await (const event of system.store.readAll({ from: { after: fromPosition } })) {
      if (event.streamId === `task-${taskId}` || event.streamId.startsWith('execution-')) {
        expected.push(`${event.streamId}#${event.revision}`);
      }
    }
    const key = (event: FeedEvent): string => `${event.streamId}#${event.revision}`;
    await waitFor(() => {
      const got = new Set(received.map(key));
      return expected.every((k) => got.has(k)) ? true : undefined;
    }, 30_000, `the subscriber to receive all ${expected.length} events`);
    await feed.close();
    await reading;

    const got = received.map(key);
    const duplicates = got.length - new Set(got).size;
    console.log(`relay kill -9: ${JSON.stringify({ expected: expected.length, received: got.length, duplicates })}`);
    expect(duplicates).toBe(0);
    // Within each stream, revisions arrive in order.
    const last = new Map<string, number>();
    for (const event of received) {
      expect(event.revision).toBeGreaterThan(last.get(event.streamId) ?? -1);
      last.set(event.streamId, event.revision);
    }
  }, 120_000);
});
