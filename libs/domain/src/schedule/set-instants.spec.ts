import type { ScheduleSpec } from '@sched/contracts';
import { firingsFrom, nextFiring, nextFirings } from './fire-order';
import { planCatchUp } from './misfire';
import { remainingOccurrences } from './next-fires';
import { fireInstant } from './schedule.jitter';
import { evolveScheduleSetting, setInstantsAfterUpdate } from './set-instants';

const every = (everyMs: number, extra: Partial<ScheduleSpec> = {}): ScheduleSpec => ({ type: 'interval', everyMs, offsetMs: 0, ...extra }) as ScheduleSpec;
const hourly = every(3_600_000);
const tenSeconds = every(10_000, { maxFires: 3 });

describe('schedule set instants: an update keeps what it did not change', () => {
  it('a kept schedule keeps its instant, a new one starts at the update; all new is one number again', () => {
    expect(setInstantsAfterUpdate([tenSeconds], 1_000, [tenSeconds, hourly], 50_000)).toEqual([1_000, 50_000]);
    expect(setInstantsAfterUpdate([tenSeconds], 1_000, [hourly], 50_000)).toBe(50_000);
    // Reordered: matched by what the schedule is, not where it stands.
    expect(setInstantsAfterUpdate([hourly, tenSeconds], [5_000, 1_000], [tenSeconds, every(60_000)], 50_000)).toEqual([1_000, 50_000]);
  });

  it('matches each old schedule once: a second copy added by the update is new', () => {
    expect(setInstantsAfterUpdate([tenSeconds], 1_000, [tenSeconds, tenSeconds], 50_000)).toEqual([1_000, 50_000]);
  });

  it('a schedule changed in any field is new (its maxFires counts again from the update)', () => {
    expect(setInstantsAfterUpdate([tenSeconds], 1_000, [every(10_000, { maxFires: 4 })], 50_000)).toBe(50_000);
  });
});

describe('occurrences of schedules set at different instants', () => {
  // maxFires 3 of every 10 s set at 1 s: fires at 10, 20, 30 s. An hourly schedule added at 25 s.
  const specs = [tenSeconds, every(5_000)];
  const set = [1_000, 25_000];

  it("a kept schedule's maxFires counts from its own instant, a new schedule has no occurrence before its own", () => {
    const after = remainingOccurrences(specs, set, 12_000, 6).map((occurrence) => [occurrence.atMs, occurrence.specIndexes]);
    // 15 s and 20 s of the new 5 s schedule come before it was set: not occurrences. The 10 s one fires its third at 30 s.
    expect(after).toEqual([[20_000, [0]], [30_000, [0, 1]], [35_000, [1]], [40_000, [1]], [45_000, [1]], [50_000, [1]]]);
    // Set together at 25 s (what every update did before), the 10 s schedule got three more fires.
    expect(remainingOccurrences(specs, 25_000, 25_000, 8).filter((occurrence) => occurrence.specIndexes.includes(0))).toHaveLength(3);
  });

  it('the fire order and the catch-up see the same occurrences', () => {
    expect(nextFirings('t', specs, set, 25_000, 3).map((firing) => firing.occurrence.atMs)).toEqual([30_000, 35_000, 40_000]);
    expect(nextFiring('t', specs, set, 30_000)!.occurrences[0].specIndexes).toEqual([1]);
    const plan = planCatchUp('t', specs, { policy: 'fire-all', catchupWindowMs: 3_600_000 }, 12_000, 41_000, set);
    expect(plan.fires.map((fire) => fire.nominalMs)).toEqual([20_000, 30_000, 35_000, 40_000]);
  });

  it('a jittered occurrence of a kept schedule, nominally before the update and firing after it, still fires', () => {
    const jittered = every(10_000, { jitterMs: 9_000 });
    const taskId = Array.from({ length: 200 }, (_, i) => `task-${i}`).find((id) => fireInstant(id, jittered, 20_000) > 23_000)!;
    const setAfterUpdate = setInstantsAfterUpdate([jittered], 0, [jittered, hourly], 21_000);
    const [first] = firingsFrom(taskId, [jittered, hourly], setAfterUpdate, 21_000); // the generator never ends: take one
    expect(first).toEqual({ occurrence: { atMs: 20_000, specIndexes: [0], jitterMs: 9_000 }, fireAtMs: fireInstant(taskId, jittered, 20_000) });
    expect(nextFiring(taskId, [jittered, hourly], setAfterUpdate, 21_000)!.occurrences[0].atMs).toBe(20_000);
  });
});

describe('the schedule setting folded from task events (timer, read models and next-fires alike)', () => {
  const event = (type: string, revision: number, data: unknown = {}) => ({ type, revision, data });

  it('set at the creation, again by an update of the schedules, kept by other events', () => {
    const created = evolveScheduleSetting(undefined, [], event('TaskCreated', 0), 1_000)!;
    expect(created).toEqual({ set: 1_000 });
    expect(evolveScheduleSetting(created, [tenSeconds], event('TaskPaused', 1), 2_000)).toBe(created);
    expect(evolveScheduleSetting(created, [tenSeconds], event('TaskUpdated', 1, { changes: { name: 'x' } }), 2_000)).toBe(created);
    expect(evolveScheduleSetting(created, [tenSeconds], event('TaskUpdated', 1, { changes: { schedules: [tenSeconds, hourly] } }), 2_000)).toEqual({ set: [1_000, 2_000] });
    expect(evolveScheduleSetting(created, [tenSeconds], event('TaskCreated', 1), 2_000)).toBe(created); // a task id is created once
  });

  it('created disabled: set again at its first enable only; disabled later: kept', () => {
    const created = evolveScheduleSetting(undefined, [], event('TaskCreated', 0), 1_000);
    const disabled = evolveScheduleSetting(created, [tenSeconds], event('TaskDisabled', 1), 1_000);
    expect(disabled).toEqual({ set: 1_000, onEnable: true });
    const enabled = evolveScheduleSetting(disabled, [tenSeconds], event('TaskEnabled', 2), 9_000);
    expect(enabled).toEqual({ set: 9_000 });
    expect(evolveScheduleSetting(enabled, [tenSeconds], event('TaskDisabled', 3), 9_500)).toBe(enabled);
    expect(evolveScheduleSetting(created, [tenSeconds], event('TaskDisabled', 1), 1_500)).toBe(created); // a later command
  });
});
