import { WORK_ACK_WAIT_MS, notBeforeOf } from '@sched/messaging';
import { EarlyStarts } from './early-starts';

describe('EarlyStarts: work recorded ahead of its instant starts at the instant', () => {
  const T0 = Date.parse('2026-12-05T00:00:00.000Z');
  let early: EarlyStarts;
  let started: number[];
  let putBack: Array<number | undefined>;
  const hold = (notBeforeMs: number | undefined): void =>
    early.hold(notBeforeMs, () => void started.push(Date.now()), (delayMs) => void putBack.push(delayMs));

  beforeEach(() => {
    jest.useFakeTimers({ now: T0 });
    early = new EarlyStarts();
    started = [];
    putBack = [];
  });
  afterEach(() => jest.useRealTimers());

  it('starts at once without a notBefore, or with one that has passed', () => {
    hold(undefined);
    hold(T0 - 5);
    hold(T0);
    expect(started).toEqual([T0, T0, T0]);
    expect(early.size).toBe(0);
  });

  it('holds one that is ahead until its instant, not a millisecond before', () => {
    hold(T0 + 50);
    expect(early.size).toBe(1);
    jest.advanceTimersByTime(49);
    expect(started).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(started).toEqual([T0 + 50]);
    expect(early.size).toBe(0);
  });

  it('waits again when the wall clock was stepped back while it waited', () => {
    hold(T0 + 50);
    jest.setSystemTime(T0 - 20); // the timer still fires 50 ms from now, when the wall clock reads T0 + 30
    jest.advanceTimersByTime(50);
    expect(started).toEqual([]);
    jest.advanceTimersByTime(20);
    expect(started).toEqual([T0 + 50]);
  });

  it('puts back an item whose instant is further off than a third of the ack wait (a clock far ahead)', () => {
    const far = Math.floor(WORK_ACK_WAIT_MS / 3) + 1;
    hold(T0 + far);
    expect(putBack).toEqual([far]);
    expect(early.size).toBe(0);
    jest.advanceTimersByTime(far);
    expect(started).toEqual([]);
  });

  it('puts back everything it holds at shutdown, and starts none of it', () => {
    hold(T0 + 30);
    hold(T0 + 40);
    early.close();
    expect(putBack).toEqual([undefined, undefined]);
    jest.advanceTimersByTime(100);
    expect(started).toEqual([]);
    expect(early.size).toBe(0);
  });

  it('reads notBefore off a work item', () => {
    expect(notBeforeOf({})).toBeUndefined();
    expect(notBeforeOf({ notBefore: '2026-12-05T00:00:00.050Z' })).toBe(T0 + 50);
    expect(notBeforeOf({ notBefore: 'not a date' })).toBeUndefined();
  });
});
