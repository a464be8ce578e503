import { WorkerLossJudge } from './worker-loss';

/** A registry with a set of live worker ids (this process reconnected just now, or long ago), and a hand-moved clock. */
function judgeWith(alive: Set<string>, justReconnected = true) {
  let nowMs = 1_000_000;
  const registry = { isAlive: async (id: string) => alive.has(id), reconnectedWithin: () => justReconnected };
  const judge = new WorkerLossJudge(registry, 'me', 10_000, () => nowMs);
  return { judge, advance: (ms: number) => void (nowMs += ms) };
}

describe('WorkerLossJudge: is the worker of a running attempt gone?', () => {
  it('a redelivered item of a live worker is left to it once (an outage past the ack wait redelivers every pending item)', async () => {
    const { judge } = judgeWith(new Set(['w1']));
    expect(await judge.judge('x/1', 'w1', true)).toEqual({ kind: 'leave' });
    // Back again while the worker is alive: its in-progress acks are not holding it, so it does not hold the attempt.
    expect(await judge.judge('x/1', 'w1', true)).toEqual({ kind: 'lost', why: expect.stringContaining('no longer holds the attempt') });
    expect(await judge.judge('x/2', 'w1', true)).toEqual({ kind: 'leave' }); // another attempt is judged on its own
  });

  it("a duplicate publish of a live worker's attempt is left to it every time", async () => {
    const { judge } = judgeWith(new Set(['w1']));
    for (let i = 0; i < 3; i += 1) expect(await judge.judge('x/1', 'w1', false)).toEqual({ kind: 'leave' });
  });

  it('a worker missing from the registry, no outage just ended: lost at once (a crash is found as soon as before)', async () => {
    const { judge } = judgeWith(new Set(), false);
    expect(await judge.judge('x/1', 'w1', true)).toEqual({ kind: 'lost', why: expect.stringContaining('worker w1 is not running') });
  });

  it('just after an outage, a worker missing from the registry is looked for again after the grace (its entry may have expired)', async () => {
    const alive = new Set<string>();
    const { judge, advance } = judgeWith(alive);
    expect(await judge.judge('x/1', 'w1', true)).toEqual({ kind: 'wait', retryInMs: 10_000 });
    advance(4_000);
    expect(await judge.judge('x/1', 'w1', true)).toEqual({ kind: 'wait', retryInMs: 6_000 });
    alive.add('w1'); // its next refresh came: it lives
    expect(await judge.judge('x/1', 'w1', true)).toEqual({ kind: 'leave' });
  });

  it('still missing once the grace is over: lost, first delivery (an imported history) or redelivery', async () => {
    const { judge, advance } = judgeWith(new Set());
    for (const redelivered of [true, false]) {
      const key = `x/${String(redelivered)}`;
      expect((await judge.judge(key, 'gone', redelivered)).kind).toBe('wait');
      advance(10_000);
      expect(await judge.judge(key, 'gone', redelivered)).toEqual({ kind: 'lost', why: expect.stringContaining('worker gone is not running') });
    }
  });

  it("an attempt recorded under this process's own id that does not run here is lost at once (an earlier process with the id)", async () => {
    const { judge } = judgeWith(new Set(['me']));
    expect(await judge.judge('x/1', 'me', true)).toEqual({ kind: 'lost', why: expect.stringContaining("this process's id") });
  });
});
