import {
  Subjects,
  toExecutionStreamId,
  toTaskStreamId,
  type BackfillTaskResult,
  type NextFiresResult,
  type RecordedEvent,
  type TaskCommandResult,
  type TaskDue,
  type TaskView,
} from '@sched/contracts';
import { startTestSystem, waitFor, type TestSystem } from '../support/system';

type DueEvent = RecordedEvent & { data: TaskDue['data'] };

// The tests run side by side (each on a task of its own, reading only its own fires): most of their time is
// waiting for fires a second or more apart, ~25 s one after the other.
describe('timer schedules end to end (whole system, real nats-server)', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(async () => {
    await system?.close();
  });

  async function command<T = TaskCommandResult>(subject: string, payload: unknown): Promise<T> {
    const reply = await system.request<T>(subject, payload);
    if (!reply.ok) throw new Error(`${subject}: ${JSON.stringify(reply.error)}`);
    return reply.result;
  }

  async function duesOf(taskId: string): Promise<DueEvent[]> {
    const dues: DueEvent[] = [];
    for await (const event of system.store.readAll({ filter: { streamPrefixes: ['execution-'], eventTypes: ['TaskDue'] } })) {
      if ((event as DueEvent).data.taskId === taskId) dues.push(event as DueEvent);
    }
    return dues;
  }

  it.concurrent('a 6-field cron in a time zone fires every second, at whole seconds, with the nominal instant in its id', async () => {
    const { taskId } = await command(Subjects.cmd.taskCreate, {
      name: 'cron every second',
      executor: 'noop',
      schedules: [{ type: 'cron', expression: '* * * * * *', timezone: 'Europe/Berlin' }],
    });
    const dues = await waitFor(async () => {
      const found = await duesOf(taskId);
      return found.length >= 2 && found;
    }, 4_000, 'two cron fires');
    for (const due of dues) {
      const at = Date.parse(due.data.scheduledAt);
      expect(at % 1000).toBe(0);
      expect(due.data.executionId).toBe(`${taskId}@${at}`);
      expect(Date.parse(due.metadata.occurredAt) - at).toBeLessThan(500);
    }
    await command(Subjects.cmd.taskDelete, { taskId });
  });

  it.concurrent('a one-shot fires once at its instant', async () => {
    const at = new Date(Math.ceil((Date.now() + 1_500) / 1000) * 1000).toISOString();
    const { taskId } = await command(Subjects.cmd.taskCreate, { name: 'once', executor: 'noop', schedules: [{ type: 'once', at }] });
    const [due] = await waitFor(async () => (await duesOf(taskId)).length === 1 && duesOf(taskId), 4_000, 'the one-shot');
    expect(due.data.scheduledAt).toBe(at);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(await duesOf(taskId)).toHaveLength(1);
  });

  it.concurrent('next-fires answers from the same code as the timer, for a task and for a preview', async () => {
    const { taskId } = await command(Subjects.cmd.taskCreate, {
      name: 'hourly',
      executor: 'noop',
      schedules: [{ type: 'interval', every: '1h', offset: '15m' }],
    });
    const after = '2030-01-01T00:00:00.000Z';
    const forTask = await command<NextFiresResult>(Subjects.query.taskNextFires, { taskId, count: 3, after });
    expect(forTask.fires.map((fire) => fire.at)).toEqual([
      '2030-01-01T00:15:00.000Z',
      '2030-01-01T01:15:00.000Z',
      '2030-01-01T02:15:00.000Z',
    ]);
    const preview = await command<NextFiresResult>(Subjects.query.taskNextFires, {
      schedules: [{ type: 'cron', expression: '30 2 * * *', timezone: 'Europe/Berlin' }],
      count: 2,
      after: '2030-03-30T12:00:00Z',
    });
    // 2030-03-31 is the spring-forward day in Berlin: 02:30 does not exist and fires at 03:00 CEST (01:00Z).
    expect(preview.fires.map((fire) => fire.at)).toEqual(['2030-03-31T01:00:00.000Z', '2030-04-01T00:30:00.000Z']);
    const paused = await command(Subjects.cmd.taskPause, { taskId, note: 'later' });
    expect(paused.events).toEqual(['TaskPaused']);
    expect((await command<NextFiresResult>(Subjects.query.taskNextFires, { taskId })).active).toBe(false);
  });

  it.concurrent('pause records each fire as skipped (no run), resume runs them again, update reschedules at once', async () => {
    const { taskId } = await command(Subjects.cmd.taskCreate, {
      name: 'pausable',
      executor: 'noop',
      schedules: [{ type: 'interval', every: '1s' }],
    });
    await waitFor(async () => (await duesOf(taskId)).length >= 1, 3_000, 'a first fire');
    const pause = await command(Subjects.cmd.taskPause, { taskId });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const pausedCount = (await duesOf(taskId)).length;
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    // The schedule keeps going while paused; each fire is TaskDue + TaskSkipped{reason:'paused'} in one commit.
    const whilePaused = (await duesOf(taskId)).slice(pausedCount);
    expect(whilePaused.length).toBeGreaterThanOrEqual(1);
    for (const due of whilePaused) {
      const history = await system.store.read(due.streamId);
      expect(history.map((event) => [event.type, (event.data as { reason?: string }).reason])).toEqual([['TaskDue', 'schedule'], ['TaskSkipped', 'paused']]);
      expect(history[1].position - history[0].position).toBe(1); // same commit
    }
    expect(pause.position).toBeDefined();

    await command(Subjects.cmd.taskResume, { taskId });
    await command(Subjects.cmd.taskUpdate, { taskId, schedules: [{ type: 'interval', every: '1h' }] });
    const afterUpdate = (await duesOf(taskId)).length;
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect((await duesOf(taskId)).length).toBeLessThanOrEqual(afterUpdate + 1);
    const next = await command<NextFiresResult>(Subjects.query.taskNextFires, { taskId, count: 1 });
    expect(Date.parse(next.fires[0].at) % 3_600_000).toBe(0);
  });

  it.concurrent("an update's new schedules start at the update: none of their occurrences before it fire", async () => {
    const { taskId } = await command(Subjects.cmd.taskCreate, {
      name: 'yearly, then every second',
      executor: 'noop',
      schedules: [{ type: 'cron', expression: '0 0 1 1 *' }],
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // an every-second schedule would have fired here
    await command(Subjects.cmd.taskUpdate, { taskId, schedules: [{ type: 'interval', every: '1s' }] });
    const updatedAt = Date.parse((await system.store.read(toTaskStreamId(taskId))).at(-1)!.metadata.occurredAt);
    const dues = await waitFor(async () => {
      const found = await duesOf(taskId);
      return found.length >= 2 && found;
    }, 4_000, 'two fires of the new schedule');
    expect(dues.map((due) => Date.parse(due.data.scheduledAt)).filter((at) => at <= updatedAt)).toEqual([]);
    await command(Subjects.cmd.taskDelete, { taskId });
  });

  it.concurrent('backfill fires the past occurrences that never fired, once, and not those that did', async () => {
    const { taskId } = await command(Subjects.cmd.taskCreate, {
      name: 'backfilled',
      executor: 'noop',
      schedules: [{ type: 'interval', every: '1m' }],
    });
    const to = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
    const from = to - 5 * 60_000;
    const first = await command<BackfillTaskResult>(Subjects.cmd.taskBackfill, {
      taskId,
      commandId: 'backfill-1',
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
    });
    expect(first).toMatchObject({ occurrences: 5, events: ['BackfillRequested'] });
    const dues = await waitFor(async () => {
      const found = (await duesOf(taskId)).filter((due) => due.data.reason === 'backfill');
      return found.length === 5 && found;
    }, 5_000, 'five backfilled occurrences');
    expect(dues.map((due) => Date.parse(due.data.scheduledAt)).sort()).toEqual([1, 2, 3, 4, 5].map((k) => from + k * 60_000));

    const retried = await command<BackfillTaskResult>(Subjects.cmd.taskBackfill, {
      taskId,
      commandId: 'backfill-1',
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
    });
    // A retried command gets the very same reply and appends nothing.
    expect(retried).toEqual(first);
    const taskEvents = await system.store.read(toTaskStreamId(taskId));
    expect(taskEvents.filter((event) => event.type === 'BackfillRequested')).toHaveLength(1);
    const wider = await command<BackfillTaskResult>(Subjects.cmd.taskBackfill, {
      taskId,
      from: new Date(from - 2 * 60_000).toISOString(),
      to: new Date(to).toISOString(),
    });
    expect(wider.occurrences).toBe(7);
    await waitFor(async () => (await duesOf(taskId)).filter((due) => due.data.reason === 'backfill').length === 7, 5_000, 'two more');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const streams = (await duesOf(taskId)).map((due) => due.streamId);
    expect(new Set(streams).size).toBe(streams.length);
    const history = await system.store.read(toExecutionStreamId(`${taskId}@${from + 60_000}`));
    expect(history[0].type).toBe('TaskDue');
  });

  it.concurrent('a trigger fires one execution with the command id, even when the command is retried', async () => {
    const { taskId } = await command(Subjects.cmd.taskCreate, { name: 'manual', executor: 'noop' });
    const first = await command<{ executionId: string }>(Subjects.cmd.taskTrigger, { taskId, commandId: 'run-42' });
    const again = await command<{ executionId: string; events: string[] }>(Subjects.cmd.taskTrigger, { taskId, commandId: 'run-42' });
    expect(first.executionId).toBe('run-42');
    expect(again).toEqual(first);
    expect((await system.store.read(toTaskStreamId(taskId))).filter((event) => event.type === 'TaskTriggered')).toHaveLength(1);
    const [due] = await waitFor(async () => (await duesOf(taskId)).length === 1 && duesOf(taskId), 3_000, 'the triggered TaskDue');
    expect(due.data).toMatchObject({ executionId: 'run-42', reason: 'trigger' });
  });

  it.concurrent('maxFires: a 1-second schedule with maxFires 2 fires twice and stops', async () => {
    const { taskId } = await command(Subjects.cmd.taskCreate, {
      name: 'twice',
      executor: 'noop',
      schedules: [{ type: 'interval', every: '1s', maxFires: 2 }],
    });
    await waitFor(async () => (await duesOf(taskId)).length === 2, 4_000, 'two fires');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await duesOf(taskId)).toHaveLength(2);
    expect((await command<NextFiresResult>(Subjects.query.taskNextFires, { taskId })).fires).toEqual([]);
  });

  it.concurrent('maxFires: a task created disabled gets its fires once it is enabled (they were used up while it was disabled)', async () => {
    const { taskId } = await command(Subjects.cmd.taskCreate, { name: 'later', executor: 'noop', enabled: false, schedules: [{ type: 'interval', every: '1s', maxFires: 2 }] });
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await command(Subjects.cmd.taskEnable, { taskId });
    const dues = await waitFor(async () => (await duesOf(taskId)).length === 2 && duesOf(taskId), 4_000, 'two fires after the enable');
    // Recorded ahead of their instants (fire-ahead): ask once the second instant has passed.
    const last = Math.max(...dues.map((due) => Date.parse(due.data.scheduledAt)));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, last - Date.now() + 100)));
    expect((await command<NextFiresResult>(Subjects.query.taskNextFires, { taskId })).fires).toEqual([]);
    await command(Subjects.cmd.taskDelete, { taskId });
  });

  it.concurrent('maxFires: an update adding a schedule beside it does not give the kept one its fires again', async () => {
    const everySecond = { type: 'interval', every: '1s', maxFires: 3 };
    const { taskId } = await command(Subjects.cmd.taskCreate, { name: 'three', executor: 'noop', schedules: [everySecond] });
    await waitFor(async () => (await duesOf(taskId)).length >= 2, 4_000, 'two fires');
    const updated = await command(Subjects.cmd.taskUpdate, { taskId, schedules: [everySecond, { type: 'interval', every: '1h' }] });
    await waitFor(async () => (await duesOf(taskId)).length >= 3, 3_000, 'the third fire');
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // a restarted count would have fired twice more by now
    expect(await duesOf(taskId)).toHaveLength(3);
    const nextHour = Math.ceil(Date.now() / 3_600_000) * 3_600_000;
    const { fires } = await command<NextFiresResult>(Subjects.query.taskNextFires, { taskId, count: 2 });
    expect(fires.map((fire) => Date.parse(fire.at))).toEqual([nextHour, nextHour + 3_600_000]);
    const view = await command<TaskView>(Subjects.query.taskGet, { taskId, minPosition: updated.position });
    expect(view.nextFireAt && Date.parse(view.nextFireAt)).toBe(nextHour);
    await command(Subjects.cmd.taskDelete, { taskId });
  });
});
