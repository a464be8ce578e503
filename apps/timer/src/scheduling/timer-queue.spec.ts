import { TimerQueue } from './timer-queue';

/** mulberry32: a seeded PRNG so a failing random sequence can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The obvious model: all entries in an array, sorted on demand by (due, order of last set). */
class SortedModel {
  private entries = new Map<string, { dueMs: number; seq: number; value: number }>();
  private seq = 0;
  set(key: string, dueMs: number, value: number) {
    this.entries.set(key, { dueMs, seq: this.seq++, value });
  }
  remove(key: string) {
    return this.entries.delete(key);
  }
  sorted() {
    return [...this.entries]
      .map(([key, e]) => ({ key, ...e }))
      .sort((a, b) => a.dueMs - b.dueMs || a.seq - b.seq);
  }
  popDue(nowMs: number) {
    const due = this.sorted().filter((e) => e.dueMs <= nowMs);
    for (const e of due) this.entries.delete(e.key);
    return due.map(({ key, dueMs, value }) => ({ key, dueMs, value }));
  }
  get size() {
    return this.entries.size;
  }
}

describe('TimerQueue', () => {
  it('pops in due order, ties in the order they were scheduled', () => {
    const q = new TimerQueue<string>();
    q.set('c', 30, 'C');
    q.set('a', 10, 'A');
    q.set('b', 20, 'B');
    q.set('a2', 10, 'A2');
    expect(q.peek()).toEqual({ key: 'a', dueMs: 10, value: 'A' });
    expect(q.popDue(20).map((e) => e.key)).toEqual(['a', 'a2', 'b']);
    expect(q.popDue(29)).toEqual([]);
    expect(q.size).toBe(1);
  });

  it('updates a key in place (earlier and later) and removes by key', () => {
    const q = new TimerQueue<number>();
    for (let i = 0; i < 10; i++) q.set(`k${i}`, i * 10, i);
    q.set('k9', -5, 99);
    expect(q.peek()).toEqual({ key: 'k9', dueMs: -5, value: 99 });
    q.set('k9', 1000, 98);
    expect(q.get('k9')).toEqual({ key: 'k9', dueMs: 1000, value: 98 });
    expect(q.remove('k0')).toBe(true);
    expect(q.remove('k0')).toBe(false);
    expect(q.has('k0')).toBe(false);
    expect(q.size).toBe(9);
    expect(q.popDue(Infinity).map((e) => e.key)).toEqual(['k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9']);
    expect(q.peek()).toBeUndefined();
    expect(q.peekDue()).toBeUndefined();
  });

  it('honours the popDue limit', () => {
    const q = new TimerQueue<null>();
    for (let i = 0; i < 5; i++) q.set(`k${i}`, i, null);
    expect(q.popDue(10, 2).map((e) => e.key)).toEqual(['k0', 'k1']);
    expect(q.peekDue()).toBe(2);
  });

  it.each([1, 2, 3, 4])('matches a sorted-array model under random operations (seed %i)', (seed) => {
    const rnd = random(seed);
    const q = new TimerQueue<number>();
    const model = new SortedModel();
    let now = 0;
    for (let step = 0; step < 5000; step++) {
      const op = rnd();
      const key = `k${Math.floor(rnd() * 300)}`;
      if (op < 0.5) {
        // coarse due times so ties are common
        const due = now + Math.floor(rnd() * 200) - 20;
        q.set(key, due, step);
        model.set(key, due, step);
      } else if (op < 0.75) {
        expect(q.remove(key)).toBe(model.remove(key));
      } else if (op < 0.9) {
        now += Math.floor(rnd() * 30);
        expect(q.popDue(now)).toEqual(model.popDue(now));
      } else {
        const head = model.sorted()[0];
        expect(q.peek()).toEqual(head && { key: head.key, dueMs: head.dueMs, value: head.value });
      }
      expect(q.size).toBe(model.size);
    }
    expect(q.popDue(Infinity)).toEqual(model.popDue(Infinity));
  });

  it('keeps heap order over 200k entries', () => {
    const rnd = random(42);
    const q = new TimerQueue<number, number>();
    for (let i = 0; i < 200_000; i++) q.set(i, Math.floor(rnd() * 1e9), i);
    for (let i = 0; i < 200_000; i += 3) q.remove(i);
    const out = q.popDue(Infinity);
    expect(out.length).toBe(200_000 - Math.ceil(200_000 / 3));
    let misordered = 0;
    for (let i = 1; i < out.length; i++) if (out[i].dueMs < out[i - 1].dueMs) misordered++;
    expect(misordered).toBe(0);
  });

  it('rejects a NaN due time, which would corrupt the heap order', () => {
    expect(() => new TimerQueue<null>().set('k', NaN, null)).toThrow(RangeError);
  });
});
