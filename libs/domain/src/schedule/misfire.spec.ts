import type { ScheduleSpec } from '@sched/contracts';
import { CATCH_UP_STEP, MAX_CATCHUP_FIRES, planCatchUp, planCatchUpSteps } from './misfire';
import { fireInstant } from './schedule.jitter';

const everySecond: ScheduleSpec[] = [{ type: 'interval', everyMs: 1000, offsetMs: 0 }];
const since = 10_000; // the last instant handled before the outage
const now = 15_500; // occurrences at 11..15 s were missed

describe('planCatchUp (misfire policies)', () => {
  it('nothing missed → nothing to do', () => {
    expect(planCatchUp('t', everySecond, undefined, 15_000, 15_500, 0)).toEqual({ fires: [] });
  });

  it('fire-all fires every missed occurrence within the window, oldest first, each with its lateness', () => {
    const plan = planCatchUp('t', everySecond, { policy: 'fire-all', catchupWindowMs: 60_000 }, since, now, 0);
    expect(plan.fires).toEqual([11, 12, 13, 14, 15].map((s) => ({ nominalMs: s * 1000, lateByMs: now - s * 1000 })));
    expect(plan.skip).toBeUndefined();
  });

  it('fire-all skips (and records) what is older than the catch-up window', () => {
    const plan = planCatchUp('t', everySecond, { policy: 'fire-all', catchupWindowMs: 2_000 }, since, now, 0);
    expect(plan.fires.map((fire) => fire.nominalMs)).toEqual([14_000, 15_000]);
    expect(plan.skip).toEqual({ nominalMs: 13_000, count: 3, fromMs: 11_000, toMs: 13_000 });
  });

  it('fire-all fires at most MAX_CATCHUP_FIRES, the most recent ones', () => {
    const plan = planCatchUp('t', everySecond, { policy: 'fire-all', catchupWindowMs: 10_000_000 }, 0, 2_000_000, 0);
    expect(plan.fires).toHaveLength(MAX_CATCHUP_FIRES);
    expect(plan.fires[plan.fires.length - 1].nominalMs).toBe(2_000_000);
    expect(plan.skip).toMatchObject({ count: 2000 - MAX_CATCHUP_FIRES, fromMs: 1000 });
  });

  it('fire-once coalesces the missed occurrences into the latest one', () => {
    const plan = planCatchUp('t', everySecond, { policy: 'fire-once', catchupWindowMs: 60_000 }, since, now, 0);
    expect(plan.fires).toEqual([{ nominalMs: 15_000, lateByMs: 500, coalesced: { count: 5, fromMs: 11_000, toMs: 15_000 } }]);
    expect(plan.skip).toBeUndefined();
  });

  it('fire-once with everything outside the window only records the skip', () => {
    const plan = planCatchUp('t', everySecond, { policy: 'fire-once', catchupWindowMs: 100 }, since, now, 0);
    expect(plan.fires).toEqual([]);
    expect(plan.skip).toEqual({ nominalMs: 15_000, count: 5, fromMs: 11_000, toMs: 15_000 });
  });

  it('skip fires nothing and records the latest missed occurrence with the count', () => {
    const plan = planCatchUp('t', everySecond, { policy: 'skip', catchupWindowMs: 60_000 }, since, now, 0);
    expect(plan).toEqual({ fires: [], skip: { nominalMs: 15_000, count: 5, fromMs: 11_000, toMs: 15_000 } });
  });

  it('the default policy is fire-once within an hour', () => {
    const plan = planCatchUp('t', everySecond, undefined, since, now, 0);
    expect(plan.fires).toHaveLength(1);
    expect(plan.fires[0].coalesced?.count).toBe(5);
  });

  it('uses fire instants with jitter: an occurrence nominally before `since` but due after it is missed too', () => {
    const jittered: ScheduleSpec[] = [{ type: 'interval', everyMs: 10_000, offsetMs: 0, jitterMs: 5_000 }];
    const plan = planCatchUp('task-j', jittered, { policy: 'fire-all', catchupWindowMs: 60_000 }, 10_000, 10_000 + 30_000, 0);
    for (const fire of plan.fires) expect(fire.nominalMs).toBeGreaterThanOrEqual(10_000 - 5_000);
    expect(plan.fires.length).toBeGreaterThanOrEqual(3);
  });

  it('a schedule with maxFires misses only the fires it had left, counted from when it was set', () => {
    // Set at 8 s: with 3 fires (9, 10, 11 s) one was left after the outage began at 10 s; with 2, none.
    const limited = (maxFires: number): ScheduleSpec[] => [{ ...everySecond[0], maxFires }];
    expect(planCatchUp('t', limited(2), { policy: 'fire-all', catchupWindowMs: 60_000 }, since, now, 8_000)).toEqual({ fires: [] });
    expect(planCatchUp('t', limited(3), { policy: 'fire-all', catchupWindowMs: 60_000 }, since, now, 8_000).fires.map((f) => f.nominalMs)).toEqual([11_000]);
    expect(planCatchUp('t', limited(3), { policy: 'skip', catchupWindowMs: 60_000 }, since, now, 8_000).skip).toMatchObject({ count: 1, nominalMs: 11_000 });
  });

  it('measures the catch-up window and lateness from now, when it plans only up to a little before now', () => {
    // The timer plans (10 s, 15.5 s] at 20.5 s (it fires the last 5 s normally): a 6 s window keeps 15 s only.
    const plan = planCatchUp('t', everySecond, { policy: 'fire-all', catchupWindowMs: 6_000 }, since, now, 0, 20_500);
    expect(plan.fires).toEqual([{ nominalMs: 15_000, lateByMs: 5_500 }]);
    expect(plan.skip).toEqual({ nominalMs: 14_000, count: 4, fromMs: 11_000, toMs: 14_000 });
  });

  it('measures the window and lateness from when an occurrence should have fired, its jitter included', () => {
    const jittered: ScheduleSpec[] = [{ type: 'interval', everyMs: 100_000, offsetMs: 0, jitterMs: 9_000 }];
    const taskId = Array.from({ length: 200 }, (_, i) => `task-${i}`).find((id) => fireInstant(id, jittered[0], 100_000) >= 107_000)!;
    const fired = fireInstant(taskId, jittered[0], 100_000);
    // Nominally 20 s ago at 120 s, past a 14 s window; it should have fired 13 s ago or less: within it.
    const plan = planCatchUp(taskId, jittered, { policy: 'fire-all', catchupWindowMs: 14_000 }, 101_000, 115_000, 0, 120_000);
    expect(plan).toEqual({ fires: [{ nominalMs: 100_000, lateByMs: 120_000 - fired }] });
  });

  it('plans six hours of a task every second in steps of CATCH_UP_STEP occurrences (the timer yields its event loop between them)', () => {
    const seconds = 21_600;
    const expected = {
      'fire-all': { fires: MAX_CATCHUP_FIRES, lastSkipped: seconds - MAX_CATCHUP_FIRES }, // the latest 1000 of the hour's 3601
      'fire-once': { fires: 1, lastSkipped: seconds - 3_601 }, // the hour (3,601 with both ends) coalesced into one
      skip: { fires: 0, lastSkipped: seconds },
    };
    for (const policy of ['fire-all', 'fire-once', 'skip'] as const) {
      const steps = planCatchUpSteps('t', everySecond, { policy, catchupWindowMs: 3_600_000 }, 0, seconds * 1000, 0);
      let yields = 0;
      let step = steps.next();
      for (; !step.done; step = steps.next()) yields += 1;
      const { fires, lastSkipped } = expected[policy];
      expect([policy, yields, step.value.fires.length, step.value.skip]).toEqual([
        policy,
        Math.floor(seconds / CATCH_UP_STEP),
        fires,
        { nominalMs: lastSkipped * 1000, count: lastSkipped, fromMs: 1000, toMs: lastSkipped * 1000 },
      ]);
    }
  });
});
