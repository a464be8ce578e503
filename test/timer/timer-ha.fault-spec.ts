import { secondsBetween, sleep, startTimerHarness, type TimerHarness } from './timer-harness';

/**
 * Real timer processes sharing partitions through KV leases. These tests take wall-clock time on purpose: they
 * watch 1-second schedules fire for tens of seconds.
 */
describe('timer HA over a real nats-server', () => {
  /**
   * Each test on a harness of its own (its own nats-server and timers), side by side: they spend their time
   * watching the clock (~30 s one after the other).
   */
  const withHarness = (test: (harness: TimerHarness) => Promise<void>) => async (): Promise<void> => {
    const harness = await startTimerHarness();
    try {
      await test(harness);
    } finally {
      await harness.close();
    }
  };

  it.concurrent('two timer processes fire 1-second schedules for 5 s: zero duplicates, zero missed', withHarness(async (harness) => {
    const tasks = Array.from({ length: 12 }, (_, i) => `every-second-${i}`);
    for (const taskId of tasks) await harness.createTask(taskId, {});
    const a = await harness.startTimer('timer-a');
    const b = await harness.startTimer('timer-b');
    await sleep(2_000); // let the two split the partitions
    const from = Date.now();
    await sleep(5_000);
    const to = Date.now() - 1_500;
    await a.stop();
    await b.stop();

    const dues = await harness.dues();
    const expected = secondsBetween(from, to);
    for (const taskId of tasks) {
      const fired = dues
        .map(({ due }) => due.data)
        .filter((due) => due.taskId === taskId)
        .map((due) => Date.parse(due.scheduledAt))
        .filter((ms) => ms >= expected[0] && ms <= expected[expected.length - 1]);
      expect(fired.sort((x, y) => x - y)).toEqual(expected);
    }
    // One TaskDue per execution stream, and both instances did part of the work.
    expect(dues.every(({ commit }) => commit.filter((e) => e.type === 'TaskDue').length === 1)).toBe(true);
    const actors = new Set(dues.map(({ due }) => due.metadata.actor));
    expect(actors).toEqual(new Set(['timer:timer-a', 'timer:timer-b']));
  }), 60_000);

  it.concurrent('kill -9 of one owner: the other takes its partitions within 2 s and nothing is missed', withHarness(async (harness) => {
    // Offsets spread the 16 tasks over the second, so whatever gap the takeover leaves, some occurrence falls in it
    // and its lateness measures the takeover time.
    const tasks = Array.from({ length: 16 }, (_, i) => `survivor-${i}`);
    for (const [i, taskId] of tasks.entries()) {
      await harness.createTask(taskId, { schedules: [{ type: 'interval', everyMs: 1000, offsetMs: i * 62 }] });
    }
    const a = await harness.startTimer('timer-a');
    await harness.startTimer('timer-b');
    await sleep(3_000);
    const killedAt = Date.now();
    await a.kill9();
    await sleep(6_000);
    const dues = await harness.dues();

    let worstLateness = 0;
    for (const [i, taskId] of tasks.entries()) {
      const fired = dues.map(({ due }) => due).filter((due) => due.data.taskId === taskId);
      const instants = new Set(fired.map((due) => Date.parse(due.data.scheduledAt)));
      for (const second of secondsBetween(killedAt - 2_000, killedAt + 4_000)) expect(instants.has(second + i * 62)).toBe(true);
      for (const due of fired) {
        const scheduled = Date.parse(due.data.scheduledAt);
        if (scheduled > killedAt && scheduled < killedAt + 4_000) {
          worstLateness = Math.max(worstLateness, Date.parse(due.metadata.occurredAt) - scheduled);
        }
      }
    }
    console.log(`takeover after kill -9: worst fire lateness ${worstLateness} ms`);
    expect(worstLateness).toBeLessThan(2_000);
  }), 60_000);

  it.concurrent('after every timer was down, each task catches up by its misfire policy, recorded as events', withHarness(async (harness) => {
    await harness.createTask('fire-all', { misfire: { policy: 'fire-all', catchupWindowMs: 3_600_000 } });
    await harness.createTask('fire-once', { misfire: { policy: 'fire-once', catchupWindowMs: 3_600_000 } });
    await harness.createTask('skip', { misfire: { policy: 'skip', catchupWindowMs: 3_600_000 } });
    // Its two fires are spent before the outage: the catch-up has none left to fire (it fired one more).
    await harness.createTask('spent', {
      schedules: [{ type: 'interval', everyMs: 1000, offsetMs: 0, maxFires: 2 }],
      misfire: { policy: 'fire-once', catchupWindowMs: 3_600_000 },
    });
    // A 2 s misfire threshold (TIMER_MISFIRE_THRESHOLD_MS) and a 5 s outage: its first seconds are misfires.
    const threshold = { TIMER_MISFIRE_THRESHOLD_MS: '2000' };
    const a = await harness.startTimer('timer-a', threshold);
    await sleep(2_000);
    await a.stop(); // graceful: saves its watermark
    const downFrom = Date.now();
    await sleep(5_000);
    await harness.startTimer('timer-b', threshold);
    await sleep(1_500);
    const dues = await harness.dues();
    const outage = secondsBetween(downFrom + 500, downFrom + 5_000 - 2_000 - 500); // clearly misfired occurrences

    const of = (taskId: string) => dues.filter(({ due }) => due.data.taskId === taskId);
    const fireAll = of('fire-all').map(({ due }) => due);
    for (const second of outage) {
      const due = fireAll.find((d) => Date.parse(d.data.scheduledAt) === second);
      expect(due?.data.lateByMs).toBeGreaterThan(2_000);
    }
    const once = of('fire-once').filter(({ due }) => due.data.coalesced);
    expect(once).toHaveLength(1);
    expect(once[0].due.data.coalesced!.count).toBeGreaterThanOrEqual(outage.length);
    for (const second of outage.slice(0, -1)) {
      expect(of('fire-once').some(({ due }) => Date.parse(due.data.scheduledAt) === second)).toBe(false);
    }
    const skipped = of('skip').filter(({ commit }) => commit.some((e) => e.type === 'TaskSkipped'));
    expect(skipped).toHaveLength(1);
    expect(skipped[0].commit.map((e) => e.type)).toEqual(['TaskDue', 'TaskSkipped']);
    expect(skipped[0].commit[1].data).toMatchObject({ reason: 'misfire', missedCount: expect.any(Number) });
    // How many of its two fired on time depends on how soon timer-a was up: occurrences before that count against
    // maxFires too ("the first N from when it was set"), so 0, 1 or 2 did; none may come late or coalesced.
    const spent = of('spent').map(({ due }) => due.data);
    expect(spent.length).toBeLessThanOrEqual(2);
    expect(spent.filter((due) => due.coalesced !== undefined || (due.lateByMs ?? 0) > 2_000)).toEqual([]);
  }), 60_000);
});
