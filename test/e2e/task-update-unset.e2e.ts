import { Subjects, type TaskView } from '@sched/contracts';
import { createTask, trigger, waitForEnd } from '../support/executions';
import { useSystemWithSchedctl } from '../support/schedctl-cli';

/** An update takes optional parts of a task away with null (before, a notice URL once set could not be removed). */
describe('task update takes optional fields away (e2e)', () => {
  const context = useSystemWithSchedctl();
  const { schedctl } = context;

  const getTask = async (taskId: string) => {
    const reply = await context.system.request<TaskView>(Subjects.query.taskGet, { taskId, minPosition: await context.system.store.headPosition() });
    if (!reply.ok) throw new Error(JSON.stringify(reply.error));
    return reply.result;
  };

  it('null removes notify and timeouts: recorded as removed, gone from the view and from the next run', async () => {
    const taskId = await createTask(context.system, {
      name: 'with everything',
      executor: 'manual',
      notify: { url: 'https://hooks.example.com/x' },
      timeouts: { startToClose: '30s' },
      maxConcurrent: 2,
      overlap: 'skip',
      misfire: { policy: 'skip', catchupWindow: '5m' },
    });
    const reply = await context.system.request(Subjects.cmd.taskUpdate, { taskId, notify: null, timeouts: null, description: 'lighter' });
    expect(reply).toMatchObject({ ok: true, result: { events: ['TaskUpdated'] } });
    const updated = (await context.system.store.read(`task-${taskId}`)).at(-1);
    expect(updated).toMatchObject({ type: 'TaskUpdated', data: { changes: { description: 'lighter' }, removed: ['timeouts', 'notify'] } });

    const task = await getTask(taskId);
    expect(task.notify).toBeUndefined();
    expect(task.timeouts).toBeUndefined();
    expect(task).toMatchObject({ description: 'lighter', maxConcurrent: 2, overlap: 'skip', misfire: { policy: 'skip' } });
    const [due] = await waitForEnd(context.system.store, await trigger(context.system, taskId));
    expect(due.type).toBe('TaskDue');
    expect(due.data).not.toHaveProperty('notify');
    expect(due.data).not.toHaveProperty('timeouts');
    expect(due.data).toMatchObject({ maxConcurrent: 2, overlap: 'skip' });

    // Again: nothing left to remove, nothing appended.
    const again = await context.system.request(Subjects.cmd.taskUpdate, { taskId, notify: null });
    expect(again).toMatchObject({ ok: true, result: { events: [] } });
  });

  it('schedctl task update --unset; --unset with the flag that sets the same field is a usage error', async () => {
    const taskId = await createTask(context.system, { name: 'limited', executor: 'manual', maxConcurrent: 3, overlap: 'buffer-one', notify: { url: 'https://hooks.example.com/y' } });
    expect(await schedctl('task', 'update', 'limited', '--unset', 'maxConcurrent', '--unset', 'overlap')).toMatchObject({ code: 0 });
    const task = await getTask(taskId);
    expect(task.maxConcurrent).toBeUndefined();
    expect(task.overlap).toBeUndefined();
    expect(task.notify).toEqual({ url: 'https://hooks.example.com/y' });

    const before = await context.system.store.headPosition();
    const both = await schedctl('task', 'update', 'limited', '--unset', 'notify', '--notify-url', 'https://hooks.example.com/z');
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/--unset notify takes notify away: it cannot be set in the same update/);
    const unknown = await schedctl('task', 'update', 'limited', '--unset', 'retry');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/Allowed choices are timeouts, maxConcurrent, overlap, notify, misfire/);
    // retry always has a value (maxAttempts 1: never retried): null is refused, naming the field.
    const retry = await context.system.request(Subjects.cmd.taskUpdate, { taskId, retry: null });
    expect(retry).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { issues: [expect.objectContaining({ path: 'retry' })] } } });
    expect(await context.system.store.headPosition()).toBe(before);
  });

  it('schedctl task update with fewer schedules than the task had says the others are gone', async () => {
    await schedctl('task', 'create', '--name', 'two schedules', '--executor', 'noop', '--every', '1h', '--cron', '0 3 * * *');
    const updated = await schedctl('task', 'update', 'two schedules', '--every', '2h');
    expect(updated).toMatchObject({ code: 0, err: "note: the schedules given replace all of the task's: 1 now, 2 before (repeat the ones to keep, e.g. with --schedule)\n" });
    expect((await schedctl('task', 'update', 'two schedules', '--every', '3h')).err).toBe('');
  });
});
