import { Subjects, type NextFiresResult } from '@sched/contracts';
import { historyOf, waitForEnd } from '../support/executions';
import { useSystemWithSchedctl } from '../support/schedctl-cli';

/** A schedule's exclusions, end to end: the timer does not fire excluded instants, the query and schedctl say so. */
describe('schedule exclusions (e2e)', () => {
  const context = useSystemWithSchedctl();
  const { schedctl } = context;

  const iso = (ms: number) => new Date(ms).toISOString();

  it('a 1 s interval created with --exclude-window skips the window, fires at its end; next-fires and task get agree', async () => {
    // Instants on the whole second, the first at least 2 s away: the task is created before it.
    const base = Math.ceil((Date.now() + 2000) / 1000) * 1000;
    const window = `${iso(base + 1000)}/${iso(base + 3000)}`;
    const created = await schedctl('--json', 'task', 'create', '--name', 'not in the window', '--executor', 'noop', '--every', '1s', '--exclude-window', window);
    expect(created).toMatchObject({ code: 0, err: '' });
    const { taskId } = JSON.parse(created.out) as { taskId: string };

    const next = await context.system.request<NextFiresResult>(Subjects.query.taskNextFires, { taskId, count: 60, after: iso(base - 1) });
    if (!next.ok) throw new Error(JSON.stringify(next.error));
    const instants = next.result.fires.map((fire) => Date.parse(fire.at));
    expect(instants.slice(0, 3)).toEqual([base, base + 3000, base + 4000]);

    const executionAt = (ms: number) => `${taskId}@${ms}`;
    await waitForEnd(context.system.store, executionAt(base + 4000));
    expect((await historyOf(context.system.store, executionAt(base))).length).toBeGreaterThan(0);
    expect((await historyOf(context.system.store, executionAt(base + 3000))).length).toBeGreaterThan(0);
    // The timer fires in order, so the excluded instants, before base + 4 s, would have their streams by now.
    expect(await historyOf(context.system.store, executionAt(base + 1000))).toEqual([]);
    expect(await historyOf(context.system.store, executionAt(base + 2000))).toEqual([]);

    const shown = await schedctl('task', 'get', taskId);
    expect(shown.out).toContain(`every 1s (not ${iso(base + 1000).replace('T', ' ').replace('.000Z', 'Z')}`);
    await schedctl('task', 'delete', taskId);
  });

  it('holidays and a weekend cron given to a zoned --cron take its zone; next-fires skips them', async () => {
    const created = await schedctl(
      '--json', 'task', 'create', '--name', 'weekday report', '--executor', 'noop',
      '--cron', '0 9 * * *', '--tz', 'Europe/Berlin',
      '--exclude-dates', '2030-12-25,2030-12-26', '--exclude-cron', '* * * * SAT,SUN',
    );
    expect(created).toMatchObject({ code: 0, err: '' });
    const { taskId } = JSON.parse(created.out) as { taskId: string };
    const task = await context.system.request<{ schedules: unknown[] }>(Subjects.query.taskGet, { taskId, minPosition: await context.system.store.headPosition() });
    expect(task).toMatchObject({
      ok: true,
      result: {
        schedules: [
          {
            exclude: [
              { type: 'dates', dates: ['2030-12-25', '2030-12-26'], timezone: 'Europe/Berlin' },
              { type: 'cron', expression: '* * * * SAT,SUN', timezone: 'Europe/Berlin' },
            ],
          },
        ],
      },
    });
    // 2030-12-23 is a Monday: Tue 24, (Wed 25, Thu 26 holidays), Fri 27, (weekend), Mon 30 — 09:00 Berlin is 08:00 UTC.
    const next = await context.system.request<NextFiresResult>(Subjects.query.taskNextFires, { taskId, count: 3, after: '2030-12-23T12:00:00Z' });
    expect(next).toMatchObject({
      ok: true,
      result: { fires: [{ at: '2030-12-24T08:00:00.000Z' }, { at: '2030-12-27T08:00:00.000Z' }, { at: '2030-12-30T08:00:00.000Z' }] },
    });
  });

  it('bad exclusions are VALIDATION naming the field, and append nothing; a flag without a schedule is a usage error', async () => {
    const before = await context.system.store.headPosition();
    const base = { name: 'bad exclusions', executor: 'noop' };
    const cases: Array<[unknown, RegExp]> = [
      [{ type: 'dates', dates: ['2030-02-30'] }, /^schedules\.0\.exclude\.0\.dates\.0$/],
      [{ type: 'cron', expression: '* * * *' }, /^schedules\.0\.exclude\.0\.expression$/],
      [{ type: 'window', from: '2030-01-02T00:00:00Z', to: '2030-01-01T00:00:00Z' }, /^schedules\.0\.exclude\.0\.to$/],
      [{ type: 'dates', dates: ['2030-01-01'], timezone: 'Nowhere/Land' }, /^schedules\.0\.exclude\.0\.timezone$/],
      // Every Monday 09:00 excluded by every Monday: it could never fire.
      [{ type: 'cron', expression: '* * * * MON' }, /^schedules\.0\.exclude$/],
    ];
    for (const [exclusion, path] of cases) {
      const schedules = [{ type: 'cron', expression: '0 9 * * MON', exclude: [exclusion] }];
      const reply = await context.system.request(Subjects.cmd.taskCreate, { ...base, schedules });
      expect(reply).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { issues: [{ path: expect.stringMatching(path) }] } } });
    }
    expect(await context.system.store.headPosition()).toBe(before);

    // --tz gives an interval's holidays their zone; a nickname is taken in an exclusion as in a schedule.
    const zoned = await schedctl('--json', 'task', 'create', '--name', 'zoned holidays', '--executor', 'noop', '--every', '1h', '--exclude-dates', '2030-12-25', '--exclude-cron', '@weekly', '--tz', 'Asia/Tokyo');
    expect(zoned).toMatchObject({ code: 0 });
    const zonedTask = await context.system.request<{ schedules: unknown[] }>(Subjects.query.taskGet, { taskId: (JSON.parse(zoned.out) as { taskId: string }).taskId, minPosition: await context.system.store.headPosition() });
    expect(zonedTask).toMatchObject({ ok: true, result: { schedules: [{ exclude: [{ type: 'dates', timezone: 'Asia/Tokyo' }, { type: 'cron', expression: '0 0 * * 0', timezone: 'Asia/Tokyo' }] }] } });
    const after = await context.system.store.headPosition();
    const orphan = await schedctl('task', 'create', '--name', 'orphan', '--executor', 'noop', '--exclude-dates', '2030-01-01');
    expect(orphan.code).not.toBe(0);
    expect(orphan.err).toMatch(/--exclude-\* leave instants out of --every, --cron or --at/);
    const badWindow = await schedctl('task', 'create', '--name', 'orphan', '--executor', 'noop', '--every', '1m', '--exclude-window', '2030-01-01T00:00:00Z');
    expect(badWindow.err).toMatch(/--exclude-window takes <from>\/<to>/);
    expect(await context.system.store.headPosition()).toBe(after);
  });
});
