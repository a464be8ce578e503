import { TimeSlicer } from './time-slicer';

/** A generator of `steps` steps of ~`stepMs` each (busy), returning how many it took. */
function* busySteps(steps: number, stepMs: number): Generator<void, number> {
  for (let i = 0; i < steps; i += 1) {
    const until = performance.now() + stepMs;
    while (performance.now() < until);
    yield;
  }
  return steps;
}

describe('TimeSlicer', () => {
  it('runs the steps to their result, giving the event loop a turn each slice', async () => {
    let turns = 0;
    const counting = setInterval(() => (turns += 1), 0);
    try {
      await expect(new TimeSlicer(5).run(busySteps(100, 0.5), () => false)).resolves.toBe(100);
    } finally {
      clearInterval(counting);
    }
    // ~50 ms of steps in slices of 5 ms: about ten turns (an interval needs a timers phase, ~1 ms, to run).
    expect(turns).toBeGreaterThanOrEqual(3);
  });

  it('stops at a turn once cancelled: undefined, the rest of the steps not taken', async () => {
    let taken = 0;
    function* counted(): Generator<void, string> {
      for (; taken < 100; taken += 1) yield* busySteps(1, 1);
      return 'all';
    }
    let cancelled = false;
    setTimeout(() => (cancelled = true), 0);
    await expect(new TimeSlicer(5).run(counted(), () => cancelled)).resolves.toBeUndefined();
    expect(taken).toBeLessThan(100);
  });
});
