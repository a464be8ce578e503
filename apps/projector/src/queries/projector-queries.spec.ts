import { UndecodablePayload, type ExecutionView, type Page, type TaskStatsView, type TaskView } from '@sched/contracts';
import { EventFactory, T0 } from '../testing/event-factory';
import { ProjectorHarness } from '../testing/projector-harness';
import { mixedWorkload } from '../testing/workload';

const ids = (page: Page<TaskView>) => page.items.map((task) => task.taskId);

describe('projector queries (through the controller)', () => {
  let h: ProjectorHarness;
  let q: ProjectorHarness['controller'];
  beforeAll(async () => {
    h = new ProjectorHarness();
    q = h.controller;
    await h.append(mixedWorkload().events);
    h.projector.start();
    await h.caughtUp();
  });
  afterAll(() => h.close());

  it('task.get: definition, state, counts, last execution and the next fire computed now', async () => {
    const before = Date.now();
    const task = await q.getTask({ taskId: 'task-000' });
    expect(task).toMatchObject({
      taskId: 'task-000',
      name: 'nightly report',
      executor: 'noop',
      tags: ['nightly', 'reports'],
      state: 'active',
      revision: 0,
      createdAt: new Date(T0 + 10).toISOString(),
      counts: { total: 6, succeeded: 3, failed: 1, running: 1 },
      lastExecution: { executionId: `task-000@${T0 + 360_000}`, status: 'running', scheduledAt: new Date(T0 + 360_000).toISOString() },
    });
    const nextFire = Date.parse(task.nextFireAt!);
    expect(nextFire).toBeGreaterThan(before);
    expect(nextFire % 60_000).toBe(0); // every minute, anchored on the epoch
  });

  it('task.get: a paused task has its note and no next fire', async () => {
    const task = await q.getTask({ taskId: 'task-001' });
    expect(task).toMatchObject({ state: 'paused', pauseNote: 'maintenance', revision: 1 });
    expect(task.nextFireAt).toBeUndefined();
  });

  it('execution.get: a retried execution that succeeded on its second attempt', async () => {
    const execution = await q.getExecution({ executionId: `task-000@${T0 + 240_000}` });
    expect(execution).toEqual({
      executionId: `task-000@${T0 + 240_000}`,
      taskId: 'task-000',
      status: 'succeeded',
      reason: 'schedule',
      executor: 'noop',
      scheduledAt: new Date(T0 + 240_000).toISOString(),
      startedAt: expect.any(String),
      endedAt: expect.any(String),
      durationMs: 20,
      attempt: 2,
      retryCount: 1,
      workerId: 'worker-9',
      progress: undefined,
      result: null,
      error: undefined, // the first attempt's, among the attempts below
      updatedAt: expect.any(String),
      position: expect.any(Number),
      attempts: [
        { executionId: `task-000@${T0 + 240_000}`, attempt: 1, status: 'failed', workerId: 'worker-0', startedAt: expect.any(String),
          endedAt: expect.any(String), durationMs: 50, error: { type: 'Error', message: 'boom', retryable: true }, logs: undefined },
        { executionId: `task-000@${T0 + 240_000}`, attempt: 2, status: 'succeeded', workerId: 'worker-9', startedAt: expect.any(String),
          endedAt: expect.any(String), durationMs: 20, error: undefined, logs: undefined },
      ],
    } satisfies ExecutionView);
  });

  it('stats: outcome counts, success rate, average and p95 attempt duration, newest outcomes first', async () => {
    const stats = (await q.getStats({ taskId: 'task-000' })) as TaskStatsView;
    expect(stats).toMatchObject({ taskId: 'task-000', finished: 5, succeeded: 3, failed: 1, cancelled: 1, skipped: 0, successRate: 0.75 });
    expect(stats.lastOutcomes.map((o) => o.status)).toEqual(['cancelled', 'succeeded', 'failed', 'succeeded', 'succeeded']);
    expect(stats.avgDurationMs).toBeCloseTo((25 + 25 + 50 + 50 + 20) / 5);
    expect(stats.p95DurationMs).toBe(50);
    await expect(q.getStats({ taskId: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('get of an unknown id throws NOT_FOUND', async () => {
    await expect(q.getTask({ taskId: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND', details: { taskId: 'nope' } });
    await expect(q.getExecution({ executionId: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('bad payloads throw BAD_REQUEST or VALIDATION', async () => {
    await expect(q.getTask(new UndecodablePayload('{', 'Unexpected end'))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(q.listTasks([])).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(q.getExecution({})).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(q.listExecutions({ status: 'exploded', limit: 0 })).rejects.toMatchObject({
      code: 'VALIDATION',
      details: { issues: [expect.objectContaining({ path: 'limit' }), expect.objectContaining({ path: 'status' })] },
    });
    await expect(q.listExecutions({ cursor: 'garbage' })).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('a cursor of one list is VALIDATION on another (it gave a page from wherever its key fell there)', async () => {
    const taskCursor = (await q.listTasks({ limit: 1 })).nextCursor!;
    const executionCursor = (await q.listExecutions({ limit: 1 })).nextCursor!;
    await expect(q.listExecutions({ cursor: taskCursor })).rejects.toMatchObject({ code: 'VALIDATION', details: { issues: [{ path: 'cursor' }] } });
    await expect(q.listTasks({ cursor: executionCursor })).rejects.toMatchObject({ code: 'VALIDATION' });
    expect((await q.listExecutions({ limit: 1, cursor: executionCursor })).items).toHaveLength(1);
  });

  it('task.list finds a task by its exact name', async () => {
    const named = new ProjectorHarness();
    const events = new EventFactory();
    try {
      await named.liveDump([events.created('task-a', { name: 'etl' }), events.created('task-b', { name: 'etl-2' })]);
      expect(ids(await named.controller.listTasks({ name: 'etl' }))).toEqual(['task-a']);
      expect(ids(await named.controller.listTasks({ name: 'ETL' }))).toEqual([]);
    } finally {
      await named.close();
    }
  });

  it('task.list filters by state, executor and tag; deleted tasks only when asked for', async () => {
    expect(ids(await q.listTasks({}))).toEqual(['task-000', 'task-001', 'task-003']);
    expect(ids(await q.listTasks({ state: 'paused' }))).toEqual(['task-001']);
    expect(ids(await q.listTasks({ state: 'deleted' }))).toEqual(['task-002']);
    expect(ids(await q.listTasks({ executor: 'sleep' }))).toEqual(['task-001', 'task-003']);
    expect(ids(await q.listTasks({ tag: 'nightly' }))).toEqual(['task-000', 'task-003']);
    expect(ids(await q.listTasks({ tag: 'nightly', executor: 'noop', state: 'active' }))).toEqual(['task-000']);
    // Several tags: the tasks with every one of them; a tag is matched as stored (trimmed, as at create).
    expect(ids(await q.listTasks({ tag: ['nightly', 'reports'] }))).toEqual(['task-000', 'task-003']);
    expect(ids(await q.listTasks({ tag: ['nightly', 'adhoc'] }))).toEqual([]);
    expect(ids(await q.listTasks({ tag: [' adhoc '] }))).toEqual(['task-001']);
    await expect(q.listTasks({ tag: [] })).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('execution.list filters by task, status and a [from, to) time range, newest first', async () => {
    const byTask = await q.listExecutions({ taskId: 'task-001' });
    expect(byTask.items.map((e) => e.scheduledAt)).toEqual([6, 5, 4, 3, 2, 1].map((i) => new Date(T0 + i * 60_000).toISOString()));
    const running = await q.listExecutions({ status: 'running' });
    expect(running.items.map((e) => e.taskId).sort()).toEqual(['task-000', 'task-001', 'task-002', 'task-003']);
    const window = await q.listExecutions({ from: new Date(T0 + 120_000).toISOString(), to: new Date(T0 + 240_000).toISOString() });
    expect(window.items).toHaveLength(8);
    expect(new Set(window.items.map((e) => e.scheduledAt)).size).toBe(2);
    const none = await q.listExecutions({ taskId: 'task-003', status: 'failed' });
    expect(none).toEqual({ items: [], nextCursor: undefined });
  });

  it('execution.list pages with a stable cursor: 3 pages, no duplicates, no gaps, even across equal times', async () => {
    const seen: ExecutionView[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await q.listExecutions({ limit: 10, cursor });
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    const all = await q.listExecutions({ limit: 500 });
    expect(seen.map((e) => e.executionId)).toEqual(all.items.map((e) => e.executionId));
    expect(new Set(seen.map((e) => e.executionId)).size).toBe(24);
  });

  it('task.list pages in creation order; a task created meanwhile shows up at the end, nothing repeats', async () => {
    const first = await q.listTasks({ limit: 2 });
    const position = await h.append([new EventFactory().tick(60_000_000).created('task-new')]);
    const second = await q.listTasks({ limit: 2, cursor: first.nextCursor, minPosition: position });
    // task-002 is deleted: not listed.
    expect([ids(first), ids(second)]).toEqual([['task-000', 'task-001'], ['task-003', 'task-new']]);
    expect(second.nextCursor).toBeUndefined();
  });

  it('minPosition makes a read wait for the write it follows', async () => {
    const created = new EventFactory().created('task-rw');
    const head = await h.eventStore.headPosition();
    const reading = q.getTask({ taskId: 'task-rw', minPosition: head + 1000 });
    await h.append([created]);
    await expect(reading).resolves.toMatchObject({ taskId: 'task-rw', state: 'active' });
  });

  it('a get without minPosition finds what was committed before it asked, though the read models had not applied it', async () => {
    const held = new ProjectorHarness({ minBatchIntervalMs: 60_000 });
    const events = new EventFactory();
    try {
      held.projector.start();
      await held.append([events.created('task-earlier')]);
      await held.caughtUp();
      await held.append([events.created('task-fresh')]);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(held.store.task('task-fresh')).toBeNull(); // committed, not applied: held back a minute after the last batch
      await expect(held.controller.getTask({ taskId: 'task-fresh' })).resolves.toMatchObject({ taskId: 'task-fresh' });
      await expect(held.controller.getTask({ taskId: 'task-never' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await held.close();
    }
  });
});
