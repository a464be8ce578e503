import {
  Subjects,
  type OverallStatsView,
  type RecordedEvent,
  type TaskCommandResult,
  type TaskDue,
  type TaskStatsView,
  type TaskView,
} from '@sched/contracts';
import { startTestSystem, waitFor, type TestSystem } from '../support/system';
import { createTask, trigger, waitForEnd } from '../support/executions';

/** Issue 10, items 1, 2, 5, 6, 7: unique names, seed retry fields, enable/disable vs pause, schedule status, stats. */
describe('seed parity: tasks', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(async () => {
    await system?.close();
  });

  const create = (payload: Record<string, unknown>) => system.request<TaskCommandResult>(Subjects.cmd.taskCreate, payload);
  const getTask = async (taskId: string): Promise<TaskView> => {
    const reply = await system.request<TaskView>(Subjects.query.taskGet, { taskId, minPosition: await system.store.headPosition() });
    if (!reply.ok) throw new Error(JSON.stringify(reply.error));
    return reply.result;
  };
  const duesOf = async (taskId: string): Promise<RecordedEvent[]> => {
    const dues: RecordedEvent[] = [];
    for await (const event of system.store.readAll({ filter: { streamPrefixes: ['execution-'], eventTypes: ['TaskDue'] } })) {
      if ((event.data as TaskDue['data']).taskId === taskId) dues.push(event);
    }
    return dues;
  };

  it('a second task with the same name is a CONFLICT and appends nothing; delete and rename release the name', async () => {
    expect(await create({ name: 'nightly', executor: 'noop' })).toMatchObject({ ok: true });
    const head = await system.store.headPosition();
    const again = await create({ name: 'nightly', executor: 'noop' });
    expect(again).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: 'a task named "nightly" already exists' } });
    expect(await system.store.headPosition()).toBe(head);

    const renamed = await create({ name: 'to-rename', executor: 'noop' });
    const renamedId = renamed.ok ? renamed.result.taskId : '';
    expect(await system.request(Subjects.cmd.taskUpdate, { taskId: renamedId, name: 'nightly' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await system.request(Subjects.cmd.taskUpdate, { taskId: renamedId, name: 'renamed' })).toMatchObject({ ok: true });
    expect(await create({ name: 'to-rename', executor: 'noop' })).toMatchObject({ ok: true }); // the old name is free

    expect(await system.request(Subjects.cmd.taskDelete, { taskId: renamedId })).toMatchObject({ ok: true });
    expect(await create({ name: 'renamed', executor: 'noop' })).toMatchObject({ ok: true });
  });

  it('creates racing with one name: exactly one wins, the others are CONFLICT', async () => {
    const replies = await Promise.all(Array.from({ length: 8 }, () => create({ name: 'raced', executor: 'noop' })));
    expect(replies.filter((reply) => reply.ok)).toHaveLength(1);
    expect(replies.filter((reply) => !reply.ok).map((reply) => !reply.ok && reply.error.code)).toEqual(Array(7).fill('CONFLICT'));
    const listed = await system.request<{ items: TaskView[] }>(Subjects.query.taskList, { limit: 500, minPosition: await system.store.headPosition() });
    expect(listed.ok && listed.result.items.filter((task) => task.name === 'raced')).toHaveLength(1);
  });

  it('maxRetries / retryInterval default to 3 and 60 s; they and an explicit retry map onto the policy in TaskDue', async () => {
    const defaults = await createTask(system, { executor: 'noop' });
    expect(await getTask(defaults)).toMatchObject({ maxRetries: 3, retryIntervalMs: 60_000, enabled: true });
    const [due] = await waitForEnd(system.store, await trigger(system, defaults));
    expect((due.data as TaskDue['data']).retry).toMatchObject({ maxAttempts: 4, backoff: 'fixed', initialIntervalMs: 60_000 });

    const seed = await createTask(system, { executor: 'noop', maxRetries: 1, retryInterval: '5s', description: 'd', tags: ['seed'], config: { a: 1 } });
    expect(await getTask(seed)).toMatchObject({ maxRetries: 1, retryIntervalMs: 5000, description: 'd', tags: ['seed'], config: { a: 1 } });
    const explicit = await createTask(system, { executor: 'noop', maxRetries: 9, retry: { maxAttempts: 2, initialInterval: '1s' } });
    expect(await getTask(explicit)).toMatchObject({ maxRetries: 1, retryIntervalMs: 1000 });
    await system.request(Subjects.cmd.taskUpdate, { taskId: seed, maxRetries: 5 });
    expect(await getTask(seed)).toMatchObject({ maxRetries: 5, retryIntervalMs: 5000 });
  });

  it('a manual task can never get a schedule (VALIDATION, nothing appended), and runs when triggered', async () => {
    const head = await system.store.headPosition();
    const scheduled = await create({ name: 'manual-scheduled', executor: 'manual', schedules: [{ type: 'interval', every: '1h' }] });
    expect(scheduled).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringMatching(/manual/) } });
    expect(await system.store.headPosition()).toBe(head);
    const manual = await createTask(system, { executor: 'manual' });
    expect(await system.request(Subjects.cmd.taskUpdate, { taskId: manual, schedules: [{ type: 'interval', every: '1h' }] })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
    expect((await waitForEnd(system.store, await trigger(system, manual))).at(-1)?.type).toBe('TaskSucceeded');
  });

  it('disabled: off the timer and not triggerable; enabled: fires again', async () => {
    const taskId = await createTask(system, { executor: 'noop', schedules: [{ type: 'interval', every: '1s' }], enabled: false });
    expect(await getTask(taskId)).toMatchObject({ enabled: false, state: 'active', scheduleStatus: 'disabled' });
    expect(await system.request(Subjects.cmd.taskTrigger, { taskId })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    expect(await duesOf(taskId)).toHaveLength(0);

    expect(await system.request(Subjects.cmd.taskEnable, { taskId })).toMatchObject({ ok: true, result: { events: ['TaskEnabled'] } });
    await waitFor(async () => (await duesOf(taskId)).length >= 1, 3_000, 'a fire once enabled');
    expect(await system.request(Subjects.cmd.taskDisable, { taskId, reason: 'broken' })).toMatchObject({ ok: true, result: { events: ['TaskDisabled'] } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const count = (await duesOf(taskId)).length;
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect(await duesOf(taskId)).toHaveLength(count);
    const disabled = await getTask(taskId);
    expect(disabled).toMatchObject({ enabled: false, disableReason: 'broken' });
    expect(disabled.nextFireAt).toBeUndefined();
  });

  it('schedule status: pending, succeeded, failed, delayed, paused', async () => {
    const hourly = await createTask(system, { executor: 'noop', schedules: [{ type: 'interval', every: '1h' }] });
    expect((await getTask(hourly)).scheduleStatus).toBe('pending');
    await waitForEnd(system.store, await trigger(system, hourly));
    expect((await getTask(hourly)).scheduleStatus).toBe('succeeded');
    const failing = await createTask(system, { executor: 'example', config: { duration: 0, steps: 1, successRate: 0 }, maxRetries: 0 });
    await waitForEnd(system.store, await trigger(system, failing));
    expect((await getTask(failing)).scheduleStatus).toBe('failed');
    const weekly = await createTask(system, { executor: 'noop', schedules: [{ type: 'interval', every: '7d', offset: '3d' }] });
    const { nextFireAt } = await getTask(weekly);
    const expected = Date.parse(nextFireAt!) - Date.now() > 86_400_000 ? 'delayed' : 'pending';
    expect((await getTask(weekly)).scheduleStatus).toBe(expected);
    await system.request(Subjects.cmd.taskPause, { taskId: weekly });
    expect((await getTask(weekly)).scheduleStatus).toBe('paused');
  });

  it('stats per task and overall: totals, outcomes, running, success rate, average duration, latest execution', async () => {
    const taskId = await createTask(system, { executor: 'example', config: { duration: '50ms', steps: 2 } });
    for (let i = 0; i < 3; i += 1) await waitForEnd(system.store, await trigger(system, taskId));
    const minPosition = await system.store.headPosition();
    const stats = await system.request<TaskStatsView>(Subjects.query.stats, { taskId, minPosition });
    expect(stats).toMatchObject({ ok: true, result: { total: 3, finished: 3, succeeded: 3, failed: 0, cancelled: 0, skipped: 0, running: 0, successRate: 1 } });
    const view = stats.ok ? stats.result : undefined;
    expect(view?.avgDurationMs).toBeGreaterThanOrEqual(40);
    expect(Date.parse(view!.latestExecutionAt!)).toBeLessThanOrEqual(Date.now());

    const overall = await system.request<OverallStatsView>(Subjects.query.stats, { minPosition });
    if (!overall.ok) throw new Error(JSON.stringify(overall.error));
    const { succeeded, failed, cancelled, skipped } = overall.result;
    expect(overall.result.total).toBeGreaterThanOrEqual(succeeded + failed + cancelled + skipped);
    expect(overall.result).toMatchObject({ tasks: expect.any(Number), running: 0, latestExecutionAt: expect.any(String) });
    expect(overall.result.succeeded).toBeGreaterThanOrEqual(5);
    expect(overall.result.failed).toBeGreaterThanOrEqual(1);
    expect(overall.result.successRate).toBeCloseTo(overall.result.succeeded / (overall.result.succeeded + overall.result.failed));
  });
});
