/** What successive versions of one set share: every id with the index it was last added at, in order. */
interface Line {
  readonly index: Map<string, number>;
  /** order[i] was added at index base + i. */
  order: string[];
  base: number;
  /** The newest version's end: only it extends the line. */
  end: number;
}

/**
 * An immutable set of the ids added most recently, at most `capacity` of them (the oldest fall out), where adding is
 * O(1) amortized: successive versions share one line of ids (a Map of each to the index it was last added at), and
 * a version sees the ids added in the `capacity` indexes before its end. The line keeps at most 2 × capacity ids.
 *
 * A task remembers its manual trigger ids this way, so a retried trigger acts once: a Set copied per event made
 * folding a task's history O(n²) (8,000 triggers: 7 s per command), and a set that only grew held every trigger a
 * task ever had, in every process that folds it.
 *
 * Adding to an older version (a branch: rare, deciding on a stale state) copies what it sees first. An older version
 * may miss ids the line has since dropped or added again (never see one it should not): for a trigger, a miss means a
 * repeat is recorded once more, and its execution still runs once (its TaskDue is keyed by the execution id).
 */
export class RecentIdSet implements ReadonlySet<string> {
  private constructor(
    private readonly line: Line,
    private readonly end: number,
    readonly capacity: number,
  ) {}

  static empty(capacity: number): RecentIdSet {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    return new RecentIdSet({ index: new Map(), order: [], base: 0, end: 0 }, 0, capacity);
  }

  static of(ids: Iterable<string>, capacity: number): RecentIdSet {
    let set = RecentIdSet.empty(capacity);
    for (const id of ids) set = set.with(id);
    return set;
  }

  get size(): number {
    let count = 0;
    for (const _ of this.values()) count += 1;
    return count;
  }

  has(id: string): boolean {
    const index = this.line.index.get(id);
    return index !== undefined && index < this.end && index >= this.end - this.capacity;
  }

  /** This set with `id` as its newest (this one when it holds it already). */
  with(id: string): RecentIdSet {
    if (this.has(id)) return this;
    // An older version adding the id its line added next is that next version: no copy. The command handler does
    // this on every command (its decision extends the kept state's line with the new event, then the next command
    // folds the same event, read back, onto the kept state): a copy each time made a trigger O(ids kept).
    if (this.end !== 0 && this.end < this.line.end && this.line.index.get(id) === this.end) return new RecentIdSet(this.line, this.end + 1, this.capacity);
    // The empty set starts a line of its own (a shared empty set must not hold on to its first user's line); an
    // older version does too, from a copy of what it sees.
    if (this.end === 0 || this.end !== this.line.end) {
      const line: Line = { index: new Map(), order: [], base: 0, end: 0 };
      for (const seen of this.values()) append(line, seen);
      append(line, id);
      return new RecentIdSet(line, line.end, this.capacity);
    }
    append(this.line, id);
    if (this.line.order.length >= 2 * this.capacity) dropOldest(this.line, this.line.order.length - this.capacity);
    return new RecentIdSet(this.line, this.line.end, this.capacity);
  }

  *values(): SetIterator<string> {
    const { index, order, base } = this.line;
    for (let i = Math.max(this.end - this.capacity, base); i < Math.min(this.end, base + order.length); i += 1) {
      const id = order[i - base];
      if (index.get(id) === i) yield id;
    }
  }

  keys(): SetIterator<string> {
    return this.values();
  }

  *entries(): SetIterator<[string, string]> {
    for (const id of this.values()) yield [id, id];
  }

  forEach(callback: (value: string, key: string, set: ReadonlySet<string>) => void, thisArg?: unknown): void {
    for (const id of this.values()) callback.call(thisArg, id, id, this);
  }

  [Symbol.iterator](): SetIterator<string> {
    return this.values();
  }

  /** As a sorted JSON array (a state shown by as-of), as the Set it replaces was written there. */
  toJSON(): string[] {
    return [...this.values()].sort();
  }
}

function append(line: Line, id: string): void {
  line.index.set(id, line.end);
  line.order.push(id);
  line.end += 1;
}

/** Forgets the `count` oldest entries of the line (in one splice: O(1) amortized per add). */
function dropOldest(line: Line, count: number): void {
  for (let i = 0; i < count; i += 1) {
    const id = line.order[i];
    if (line.index.get(id) === line.base + i) line.index.delete(id);
  }
  line.order = line.order.slice(count);
  line.base += count;
}
