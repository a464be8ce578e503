import { Subjects, type NextFiresResult, type Page, type TaskView } from '@sched/contracts';
import { historyOf, waitForEnd } from '../support/executions';
import { useSystemWithSchedctl } from '../support/schedctl-cli';

/** A pause with an end (a snooze): the fires before it are skipped, from it on the task fires again, no resume needed. */
describe('pause until (e2e)', () => {
  const context = useSystemWithSchedctl();
  const { schedctl } = context;

  const listed = async (state: string) => {
    const reply = await context.system.request<Page<TaskView>>(Subjects.query.taskList, { state, limit: 500, minPosition: await context.system.store.headPosition() });
    if (!reply.ok) throw new Error(JSON.stringify(reply.error));
    return reply.result.items.map((task) => task.taskId);
  };

  it('skips the fires before the end, runs the one at it and after; the read models say paused, then active', async () => {
    const created = await schedctl('--json', 'task', 'create', '--name', 'snoozed', '--executor', 'noop', '--every', '1s');
    const { taskId } = JSON.parse(created.out) as { taskId: string };
    // An end on a whole second at least 2 s away, so the fire before it lies inside the pause.
    const untilMs = Math.ceil((Date.now() + 2000) / 1000) * 1000 + 1000;
    const until = new Date(untilMs).toISOString();
    expect(await schedctl('task', 'pause', taskId, '--until', until, '--note', 'deploy')).toMatchObject({ code: 0 });

    const shown = await schedctl('task', 'get', taskId);
    expect(shown.out).toMatch(/^state:\s+paused until \S+ \S+ \(deploy\)$/m);
    expect(await listed('paused')).toContain(taskId);
    const view = await context.system.request<TaskView>(Subjects.query.taskGet, { taskId });
    expect(view).toMatchObject({ ok: true, result: { state: 'paused', pausedUntil: until, scheduleStatus: 'paused', nextFireAt: until } });
    // next-fires marks the fires the pause swallows (it listed them as plain fires), and the ones from its end on not.
    const next = await context.system.request<NextFiresResult>(Subjects.query.taskNextFires, { taskId, count: 8 });
    const fires = next.ok ? next.result.fires : [];
    const swallowed = fires.filter((fire) => Date.parse(fire.fireAt) < untilMs);
    const running = fires.filter((fire) => Date.parse(fire.fireAt) >= untilMs);
    expect([swallowed.length > 0, running.length > 0]).toEqual([true, true]);
    expect(swallowed.map((fire) => fire.skipped)).toEqual(swallowed.map(() => 'paused'));
    expect(running.map((fire) => fire.skipped)).toEqual(running.map(() => undefined));
    expect((await schedctl('task', 'next', taskId)).out).toMatch(new RegExp(`${new Date(untilMs - 1000).toISOString().slice(11, 19)}Z \\(skipped: paused\\)`));

    // The fire a second before the end is skipped; the one at the end and the one after it run.
    const before = await waitForEnd(context.system.store, `${taskId}@${untilMs - 1000}`);
    expect(before.map((event) => event.type)).toEqual(['TaskDue', 'TaskSkipped']);
    expect(before[1]).toMatchObject({ data: { reason: 'paused' } });
    expect((await waitForEnd(context.system.store, `${taskId}@${untilMs}`)).at(-1)).toMatchObject({ type: 'TaskSucceeded' });
    expect((await waitForEnd(context.system.store, `${taskId}@${untilMs + 1000}`)).at(-1)).toMatchObject({ type: 'TaskSucceeded' });

    // No event ended the pause; the read models count it over all the same.
    expect((await context.system.store.read(`task-${taskId}`)).map((event) => event.type)).toEqual(['TaskCreated', 'TaskPaused']);
    const after = await context.system.request<TaskView>(Subjects.query.taskGet, { taskId });
    expect(after).toMatchObject({ ok: true, result: { state: 'active' } });
    expect(after.ok && after.result.pausedUntil).toBeUndefined();
    expect(await listed('active')).toContain(taskId);
    expect(await listed('paused')).not.toContain(taskId);
    // Over already: a resume is no change, as for any active task.
    expect(JSON.parse((await schedctl('--json', 'task', 'resume', taskId)).out)).toMatchObject({ events: [] });
    expect(await historyOf(context.system.store, `${taskId}@${untilMs + 1000}`)).not.toEqual([]);
    await schedctl('task', 'delete', taskId);
  });

  it('an end in the past is VALIDATION naming until, appending nothing; --for and --until together are a usage error', async () => {
    const created = await schedctl('--json', 'task', 'create', '--name', 'not snoozed', '--executor', 'noop', '--every', '1h');
    const { taskId } = JSON.parse(created.out) as { taskId: string };
    const before = await context.system.store.headPosition();
    const past = await context.system.request(Subjects.cmd.taskPause, { taskId, until: '2020-01-01T00:00:00Z' });
    expect(past).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringMatching(/^task\.pause: until: .* has passed/), details: { issues: [{ path: 'until' }] } } });
    const both = await schedctl('task', 'pause', taskId, '--for', '1h', '--until', '2030-01-01T00:00:00Z');
    expect(both).toMatchObject({ code: 2, err: expect.stringContaining('give --until or --for, not both') });
    const bad = await schedctl('task', 'pause', taskId, '--for', 'soon');
    expect(bad).toMatchObject({ code: 2, err: expect.stringContaining('--for takes a duration') });
    const tooFar = await schedctl('task', 'pause', taskId, '--for', '99999999999d');
    expect(tooFar).toMatchObject({ code: 2, err: expect.stringContaining('--for 99999999999d ends after the year 9999') });
    expect(await context.system.store.headPosition()).toBe(before);
    // --for: an end that far ahead.
    expect(await schedctl('task', 'pause', taskId, '--for', '2h')).toMatchObject({ code: 0 });
    const paused = (await context.system.store.read(`task-${taskId}`)).at(-1)!;
    const untilMs = Date.parse((paused.data as { until: string }).until);
    expect(Math.abs(untilMs - (Date.parse(paused.metadata.occurredAt) + 7_200_000))).toBeLessThan(5_000);
    // task next says why nothing of what it lists will run yet, and what ends it.
    expect((await schedctl('task', 'next', taskId)).out).toMatch(/^task \S+ is paused until .*: the fires before then are recorded as skipped, from then it fires again \(or task resume\)$/m);
    await schedctl('task', 'disable', taskId);
    expect((await schedctl('task', 'next', taskId)).out).toMatch(/^task \S+ is disabled: nothing fires until it is enabled \(task enable\)$/m);
  });
});
