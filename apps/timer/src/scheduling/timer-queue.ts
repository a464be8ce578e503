/** One entry of the queue: what is due, when (wall epoch ms), under which key. */
export interface TimerEntry<T, K> {
  readonly key: K;
  readonly dueMs: number;
  readonly value: T;
}

const INITIAL_CAPACITY = 64;

/**
 * A binary min-heap of timers keyed by due time, with an index from key to heap slot so a schedule can be rescheduled
 * or removed in O(log n) when its task is updated, paused or deleted.
 *
 * Layout is struct-of-arrays for the 1M-schedule target. The heap itself is three typed arrays (due time, tie-break
 * sequence, entry id: 20 bytes per entry, no per-entry object); keys and values live in plain arrays indexed by entry
 * id, and `slotOf[id]` tracks where each entry sits in the heap. Sifting therefore only writes typed arrays: the
 * key→id Map changes on insert and remove, never while an entry moves (a Map write per level made popping 3x slower).
 * Sifting moves a "hole" instead of swapping, one write per level.
 *
 * Equal due times come out in the order they were (re)scheduled, so firing order is deterministic.
 */
export class TimerQueue<T, K = string> {
  // The heap, by slot.
  private dues = new Float64Array(INITIAL_CAPACITY);
  private seqs = new Float64Array(INITIAL_CAPACITY);
  private ids = new Int32Array(INITIAL_CAPACITY);
  // The entries, by id. Ids of removed entries are reused, so ids stay below the largest size ever reached.
  private slotOf = new Int32Array(INITIAL_CAPACITY);
  private keys: K[] = [];
  private values: T[] = [];
  private freeIds: number[] = [];
  private nextId = 0;
  private readonly idOf = new Map<K, number>();
  private count = 0;
  private nextSeq = 0;

  get size(): number {
    return this.count;
  }

  has(key: K): boolean {
    return this.idOf.has(key);
  }

  get(key: K): TimerEntry<T, K> | undefined {
    const id = this.idOf.get(key);
    return id === undefined ? undefined : { key, dueMs: this.dues[this.slotOf[id]], value: this.values[id] };
  }

  /** Inserts, or moves an existing key to its new due time and value. O(log n). */
  set(key: K, dueMs: number, value: T): void {
    if (Number.isNaN(dueMs)) throw new RangeError(`due time of ${String(key)} is NaN`);
    const seq = this.nextSeq++;
    let id = this.idOf.get(key);
    if (id !== undefined) {
      this.values[id] = value;
      const slot = this.slotOf[id];
      if (dueMs < this.dues[slot]) this.siftUp(slot, dueMs, seq, id);
      else this.siftDown(slot, dueMs, seq, id);
      return;
    }
    if (this.count === this.dues.length) this.grow();
    id = this.freeIds.length > 0 ? (this.freeIds.pop() as number) : this.nextId++;
    this.keys[id] = key;
    this.values[id] = value;
    this.idOf.set(key, id);
    this.siftUp(this.count++, dueMs, seq, id);
  }

  /** Removes a key; returns whether it was there. O(log n). */
  remove(key: K): boolean {
    const id = this.idOf.get(key);
    if (id === undefined) return false;
    this.removeSlot(this.slotOf[id]);
    this.release(id);
    return true;
  }

  /** The earliest entry, without removing it. */
  peek(): TimerEntry<T, K> | undefined {
    if (this.count === 0) return undefined;
    const id = this.ids[0];
    return { key: this.keys[id], dueMs: this.dues[0], value: this.values[id] };
  }

  /** Due time of the earliest entry, without allocating. */
  peekDue(): number | undefined {
    return this.count === 0 ? undefined : this.dues[0];
  }

  /** Removes and returns every entry due at or before `nowMs` (at most `limit`), earliest first. */
  popDue(nowMs: number, limit = Infinity): TimerEntry<T, K>[] {
    const out: TimerEntry<T, K>[] = [];
    while (this.count > 0 && this.dues[0] <= nowMs && out.length < limit) {
      const id = this.ids[0];
      out.push({ key: this.keys[id], dueMs: this.dues[0], value: this.values[id] });
      this.removeSlot(0);
      this.release(id);
    }
    return out;
  }

  clear(): void {
    this.dues = new Float64Array(INITIAL_CAPACITY);
    this.seqs = new Float64Array(INITIAL_CAPACITY);
    this.ids = new Int32Array(INITIAL_CAPACITY);
    this.slotOf = new Int32Array(INITIAL_CAPACITY);
    this.keys = [];
    this.values = [];
    this.freeIds = [];
    this.nextId = 0;
    this.idOf.clear();
    this.count = 0;
  }

  /** Drops an entry's key and value (so they can be collected) and recycles its id. */
  private release(id: number): void {
    this.idOf.delete(this.keys[id]);
    this.keys[id] = undefined as K;
    this.values[id] = undefined as T;
    this.freeIds.push(id);
  }

  /** Fills heap `slot` with the last heap entry and restores heap order. */
  private removeSlot(slot: number): void {
    const last = --this.count;
    if (slot === last) return;
    const due = this.dues[last];
    const seq = this.seqs[last];
    const id = this.ids[last];
    if (slot > 0 && this.before(due, seq, (slot - 1) >> 1)) this.siftUp(slot, due, seq, id);
    else this.siftDown(slot, due, seq, id);
  }

  /** Whether (due, seq) sorts before the heap entry at `slot`. */
  private before(due: number, seq: number, slot: number): boolean {
    const other = this.dues[slot];
    return due < other || (due === other && seq < this.seqs[slot]);
  }

  private place(slot: number, due: number, seq: number, id: number): void {
    this.dues[slot] = due;
    this.seqs[slot] = seq;
    this.ids[slot] = id;
    this.slotOf[id] = slot;
  }

  private moveTo(to: number, from: number): void {
    this.dues[to] = this.dues[from];
    this.seqs[to] = this.seqs[from];
    const id = this.ids[from];
    this.ids[to] = id;
    this.slotOf[id] = to;
  }

  private siftUp(slot: number, due: number, seq: number, id: number): void {
    let hole = slot;
    while (hole > 0) {
      const parent = (hole - 1) >> 1;
      if (!this.before(due, seq, parent)) break;
      this.moveTo(hole, parent);
      hole = parent;
    }
    this.place(hole, due, seq, id);
  }

  private siftDown(slot: number, due: number, seq: number, id: number): void {
    let hole = slot;
    for (;;) {
      const left = 2 * hole + 1;
      if (left >= this.count) break;
      const right = left + 1;
      const child = right < this.count && !this.before(this.dues[left], this.seqs[left], right) ? right : left;
      if (this.before(due, seq, child)) break;
      this.moveTo(hole, child);
      hole = child;
    }
    this.place(hole, due, seq, id);
  }

  /** Doubles every typed array together: ids never exceed the largest heap size, so one capacity serves both. */
  private grow(): void {
    const capacity = this.dues.length * 2;
    const dues = new Float64Array(capacity);
    dues.set(this.dues);
    const seqs = new Float64Array(capacity);
    seqs.set(this.seqs);
    const ids = new Int32Array(capacity);
    ids.set(this.ids);
    const slotOf = new Int32Array(capacity);
    slotOf.set(this.slotOf);
    this.dues = dues;
    this.seqs = seqs;
    this.ids = ids;
    this.slotOf = slotOf;
  }
}
