import type { ScheduleSpec } from '@sched/contracts';
import { firingsFrom, nextFiring, nextFirings } from './fire-order';
import { fireInstant } from './schedule.jitter';

const every = (everyMs: number, extra: Partial<ScheduleSpec> = {}): ScheduleSpec => ({ type: 'interval', everyMs, offsetMs: 0, ...extra }) as ScheduleSpec;

describe('fire order: occurrences by the instant they fire at', () => {
  it('without jitter: the next nominal instant, one occurrence, as before', () => {
    expect(nextFiring('t', [every(1000)], 0, 10_500)).toEqual({ fireAtMs: 11_000, occurrences: [{ atMs: 11_000, specIndexes: [0], jitterMs: 0 }] });
    expect(nextFiring('t', [every(1000, { maxFires: 2 })], 0, 10_500)).toBeUndefined();
  });

  it('with jitter: an occurrence nominally before `after` but firing after it comes next, and nothing firing up to `after`', () => {
    const specs = [every(10_000, { jitterMs: 9_000 })];
    // Some task id whose occurrence at 20 s fires late enough to straddle 21 s.
    const taskId = Array.from({ length: 200 }, (_, i) => `task-${i}`).find((id) => fireInstant(id, specs[0], 20_000) > 23_000)!;
    const next = nextFiring(taskId, specs, 0, 21_000)!;
    expect(next.occurrences.map((occurrence) => occurrence.atMs)).toEqual([20_000]);
    expect(next.fireAtMs).toBe(fireInstant(taskId, specs[0], 20_000));
    expect(nextFiring(taskId, specs, 0, next.fireAtMs)!.occurrences[0].atMs).toBe(30_000);
  });

  it('fires a later occurrence of another schedule first when the jitter puts it there; the order is by fire instant', () => {
    const specs = [every(10_000, { jitterMs: 9_000 }), every(10_000, { offsetMs: 1_000 })];
    const taskId = Array.from({ length: 200 }, (_, i) => `task-${i}`).find((id) => fireInstant(id, specs[0], 20_000) > 21_500)!;
    const firings = nextFirings(taskId, specs, 0, 19_999, 4);
    expect(firings.slice(0, 2).map((firing) => firing.occurrence.atMs)).toEqual([21_000, 20_000]);
    const fireAts = firings.map((firing) => firing.fireAtMs);
    expect(fireAts).toEqual([...fireAts].sort((a, b) => a - b));
  });

  it('returns every occurrence that fires at the same instant, so none is passed over', () => {
    // A jittered occurrence landing exactly on the plain schedule's next one.
    const taskId = 'tie';
    const jitter = fireInstant(taskId, { jitterMs: 5_000 }, 10_000) - 10_000;
    const specs = [every(100_000, { offsetMs: 10_000, jitterMs: 5_000 }), every(100_000, { offsetMs: 10_000 + jitter })];
    const next = nextFiring(taskId, specs, 0, 9_000)!;
    expect(next.fireAtMs).toBe(10_000 + jitter);
    expect(next.occurrences.map((occurrence) => occurrence.atMs)).toEqual(jitter === 0 ? [10_000] : [10_000, 10_000 + jitter]);
  });

  it('starts no earlier than when the schedules were set (maxFires counts from there), unless asked about the past', () => {
    const specs = [every(1000, { jitterMs: 900, maxFires: 3 })];
    const nominal = (setAt: number, after: number) => [...firingsFrom('t', specs, setAt, after)].map((firing) => firing.occurrence.atMs);
    expect(nominal(5_000, 5_500)).toEqual([6_000, 7_000, 8_000]);
    expect(nominal(5_000, 2_000)).toEqual([3_000, 4_000, 5_000]);
  });
});
