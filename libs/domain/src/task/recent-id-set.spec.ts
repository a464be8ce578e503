import type { TaskEvent } from '@sched/contracts';
import { RecentIdSet } from './recent-id-set';
import { taskDecider } from './task.decider';
import { TRIGGER_IDS_KEPT, evolveTask, initialTaskState, type KnownTaskState } from './task.state';

const EMPTY = RecentIdSet.empty(100);

describe('RecentIdSet', () => {
  it('is immutable: each version sees the ids added before it, and adding what it holds is itself', () => {
    const one = EMPTY.with('a');
    const two = one.with('b');
    const three = two.with('c');
    expect([one, two, three].map((set) => [...set])).toEqual([['a'], ['a', 'b'], ['a', 'b', 'c']]);
    expect(one.has('b')).toBe(false);
    expect(three.has('b')).toBe(true);
    expect(EMPTY.size).toBe(0);
    expect(two.with('a')).toBe(two);
  });

  it('a branch from an older version is a line of its own: neither sees the other', () => {
    const base = RecentIdSet.of(['a', 'b'], 100);
    const newer = base.with('c');
    const branch = base.with('x');
    expect([...newer]).toEqual(['a', 'b', 'c']);
    expect([...branch]).toEqual(['a', 'b', 'x']);
    expect(newer.has('x')).toBe(false);
    expect(branch.has('c')).toBe(false);
    expect([...branch.with('c')]).toEqual(['a', 'b', 'x', 'c']);
    expect([...newer]).toEqual(['a', 'b', 'c']);
  });

  it('the shared empty set lends its line to nobody: two sets started from it do not share one', () => {
    const first = EMPTY.with('a').with('b');
    const second = EMPTY.with('z');
    expect([...first]).toEqual(['a', 'b']);
    expect([...second]).toEqual(['z']);
    expect(EMPTY.has('a')).toBe(false);
  });

  it('keeps the newest `capacity` ids: the oldest fall out, and one added again is the newest', () => {
    const set = RecentIdSet.of(['a', 'b', 'c', 'd'], 3);
    expect([...set]).toEqual(['b', 'c', 'd']);
    expect(set.has('a')).toBe(false);
    const again = set.with('a');
    expect([...again]).toEqual(['c', 'd', 'a']);
    expect(again.size).toBe(3);
    expect(again.with('d')).toBe(again);
  });

  it('an older version may miss what the line dropped since, but never sees what came after it', () => {
    const old = RecentIdSet.of(['a', 'b', 'c'], 3);
    let newest = old;
    for (let i = 0; i < 10; i += 1) newest = newest.with(`n${i}`);
    expect([...newest]).toEqual(['n7', 'n8', 'n9']);
    for (const id of ['n0', 'n9']) expect(old.has(id)).toBe(false);
    expect([...old].every((id) => ['a', 'b', 'c'].includes(id))).toBe(true);
  });

  it('an older version adding what its line added next is that next version, without a copy', () => {
    const base = RecentIdSet.of(['a', 'b'], 100);
    const decided = base.with('c'); // a command's decision extends the line
    const folded = base.with('c'); // the next command folds the same event, read back, onto the kept state
    expect([...folded]).toEqual(['a', 'b', 'c']);
    expect([...folded.with('d')]).toEqual(['a', 'b', 'c', 'd']);
    expect([...decided]).toEqual(['a', 'b', 'c']);
    expect([...base.with('x')]).toEqual(['a', 'b', 'x']); // another id: a line of its own
  });

  it("the command handler's pattern, each id added twice from the same version, 30,000 times, in well under a second", () => {
    // Each copy of a full window (10,000 ids) took ~1 ms: a task's triggers fell from ~1,000/s to ~230/s by 10,000.
    let kept = RecentIdSet.empty(10_000);
    const started = performance.now();
    for (let i = 0; i < 30_000; i += 1) {
      kept.with(`run-${i}`); // the decision's new state, returned to the caller
      kept = kept.with(`run-${i}`); // the kept state, folded with the recorded event
    }
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(kept.size).toBe(10_000);
    expect(kept.has('run-29999') && kept.has('run-20000') && !kept.has('run-19999')).toBe(true);
  });

  it('reads as a set (forEach, entries) and writes as a sorted JSON array', () => {
    const set = RecentIdSet.of(['b', 'a'], 100);
    const seen: string[] = [];
    set.forEach((value) => seen.push(value));
    expect(seen).toEqual(['b', 'a']);
    expect([...set.entries()]).toEqual([['b', 'b'], ['a', 'a']]);
    expect(JSON.stringify({ ids: set })).toBe('{"ids":["a","b"]}');
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => RecentIdSet.empty(0)).toThrow(RangeError);
    expect(() => RecentIdSet.empty(1.5)).toThrow(RangeError);
  });
});

describe("a task's trigger ids", () => {
  const triggered = (count: number): KnownTaskState => {
    const events: TaskEvent[] = [
      { type: 'TaskCreated', data: { taskId: 't', definition: { name: 't', description: '', executor: 'noop', config: {}, schedules: [], tags: [] } } },
      ...Array.from({ length: count }, (_, i): TaskEvent => ({ type: 'TaskTriggered', data: { taskId: 't', executionId: `run-${i}` } })),
    ];
    return events.reduce(evolveTask, initialTaskState()) as KnownTaskState;
  };

  it("fold in linear time: 30,000 triggers in well under a second (a Set copied per event: O(n²), ~7 s for 8,000)", () => {
    const started = performance.now();
    const state = triggered(30_000);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(state.triggeredExecutionIds.size).toBe(TRIGGER_IDS_KEPT);
  });

  it(`a retried trigger acts once among the last ${TRIGGER_IDS_KEPT} of its task; an older one is recorded again`, () => {
    const state = triggered(TRIGGER_IDS_KEPT + 500);
    const retry = (executionId: string) => taskDecider.decide({ type: 'TriggerTask', data: { taskId: 't', executionId } }, state);
    expect(retry(`run-${TRIGGER_IDS_KEPT + 499}`)).toEqual([]);
    expect(retry('run-500')).toEqual([]);
    // Too old to remember: a second TaskTriggered (the timer's TaskDue for it is refused: the execution runs once).
    expect(retry('run-499')).toEqual([{ type: 'TaskTriggered', data: { taskId: 't', executionId: 'run-499' } }]);
    expect(retry('run-new')).toHaveLength(1);
  });
});
