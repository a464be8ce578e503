import { ActivityTimeline, TRANSITIONS_KEPT, stretchesAsNow, type Standing } from './activity-timeline';

const ACTIVE: Standing = { disabled: false, paused: false };
const PAUSED: Standing = { disabled: false, paused: true };
const OFF: Standing = { disabled: true, paused: false };
const asTuples = (stretches: ReturnType<ActivityTimeline['stretches']>) => stretches.map((s) => [s.activity, s.fromMs, s.toMs]);

describe('ActivityTimeline: how a task stood over a span, from its transitions', () => {
  it('a transition applies after its instant (what fires at the instant is the previous standing\'s)', () => {
    const timeline = new ActivityTimeline();
    timeline.record(10, OFF);
    timeline.record(20, ACTIVE);
    timeline.record(30, OFF);
    expect(asTuples(timeline.stretches(0, 40))).toEqual([
      ['active', 0, 10],
      ['off', 10, 20],
      ['active', 20, 30],
      ['off', 30, 40],
    ]);
    // Only what lies in the span: the standing at its start is that of the last transition before it.
    expect(asTuples(timeline.stretches(15, 25))).toEqual([
      ['off', 15, 20],
      ['active', 20, 25],
    ]);
  });

  it('joins adjacent stretches of one activity (a paused task paused again with another end is one pause)', () => {
    const timeline = new ActivityTimeline();
    timeline.record(10, PAUSED);
    timeline.record(20, { ...PAUSED, pausedUntilMs: 100 });
    expect(asTuples(timeline.stretches(0, 50))).toEqual([
      ['active', 0, 10],
      ['paused', 10, 50],
    ]);
  });

  it('a pause with an end is paused up to just before it (the occurrence at the end fires), active after', () => {
    expect(asTuples(stretchesAsNow({ ...PAUSED, pausedUntilMs: 30 }, 0, 50))).toEqual([
      ['paused', 0, 29],
      ['active', 29, 50],
    ]);
    // Disabled wins over a pause, lapsed or not.
    expect(asTuples(stretchesAsNow({ ...OFF, paused: true, pausedUntilMs: 30 }, 0, 50))).toEqual([['off', 0, 50]]);
  });

  it(`keeps the latest ${TRANSITIONS_KEPT} transitions: before the oldest kept one, how it stood is forgotten (nothing is caught up)`, () => {
    const timeline = new ActivityTimeline();
    for (let i = 1; i <= TRANSITIONS_KEPT + 1; i += 1) timeline.record(i * 10, i % 2 === 1 ? OFF : ACTIVE);
    const oldestKept = 20;
    expect(asTuples(timeline.stretches(0, 40))).toEqual([
      ['forgotten', 0, oldestKept],
      ['active', oldestKept, 30],
      ['off', 30, 40],
    ]);
  });

  it('an instant earlier than the one before (a skewed clock) does not reorder the stretches', () => {
    const timeline = new ActivityTimeline();
    timeline.record(20, OFF);
    timeline.record(15, ACTIVE);
    // The enable is taken as at 20, with the disable: the disabled stretch is empty.
    expect(asTuples(timeline.stretches(0, 40))).toEqual([['active', 0, 40]]);
  });
});
