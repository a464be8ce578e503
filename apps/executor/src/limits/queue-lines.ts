/** An execution waiting in this process for a slot of its task (overlap queue), its work item held meanwhile. */
export interface LineWaiter {
  readonly executionId: string;
  /** Its place: the instant it waits its turn by (see slotOrderOf). */
  readonly placeMs: number;
  /** Its turn to ask for the slot: the worker handles its item again and ends with wait, settle or none (it left). */
  ask(): void;
  /** An in-progress ack: its item stays with this process while it waits. */
  keepAlive(): void;
  /** Its item goes back to the server (shutdown). */
  putBack(): void;
}

interface Line {
  /** The one of the task's executions asking for the slot right now (its item is being handled). */
  asking?: string;
  /** The rest, in place order. */
  readonly waiting: LineWaiter[];
  readonly waitingIds: Set<string>;
  recheck?: NodeJS.Timeout;
  recheckAtMs?: number;
}

const before = (a: LineWaiter, b: LineWaiter): boolean => a.placeMs < b.placeMs || (a.placeMs === b.placeMs && a.executionId < b.executionId);

/**
 * The executions of overlap-queue tasks that wait in this process for a task slot, one line per task in place order.
 * Only the first of a line asks for the slot (a compare-and-set on the task's key, which holds its place there): once
 * a second, at once when a slot of the task is released here, and the next one at once after it got the slot or
 * left. The rest cost nothing but an in-progress ack every `keepAliveMs`: they hold their work item (no nak and
 * redelivery), take no executor slot, and do not touch the task's key. Before, each of them came back by itself and
 * rewrote its place in that one key: a backfill of thousands behind `maxConcurrent: 1` spent the executor on
 * compare-and-set conflicts over a key of ~85 bytes per waiter, and the dispatch consumer's other items waited.
 * Places across processes stay in order: each process's first holds its place in the key, and a slot goes to the
 * first place there.
 */
export class QueueLines {
  private readonly lines = new Map<string, Line>();
  /** Every waiter held, by its last in-progress ack (oldest first: a Map keeps insertion order). */
  private readonly held = new Map<LineWaiter, number>();
  private readonly keepAliveTimer: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly keepAliveMs: number,
    private readonly now: () => number = Date.now,
  ) {
    // Checked often, so that a long line's acks spread over the interval instead of coming in one burst.
    this.keepAliveTimer = setInterval(() => this.keepAlive(), Math.max(10, Math.min(1_000, Math.floor(keepAliveMs / 4))));
    this.keepAliveTimer.unref?.();
  }

  /** Executions waiting in a line (not counting those asking). */
  get size(): number {
    return this.held.size;
  }

  /**
   * True: `waiter` asks for its task's slot now, and its handler then calls wait (refused), settle (it got the slot)
   * or nothing (it left: settle runs anyway when its handling ends). False: it waits in its task's line, behind the
   * one asking or before it; its item is held here.
   */
  enter(taskId: string, waiter: LineWaiter): boolean {
    const line = this.lineOf(taskId);
    if (line.asking === waiter.executionId) return true;
    this.remove(line, waiter.executionId); // delivered again (an ack wait passed): the newer delivery waits
    if (this.closed) {
      safely(() => waiter.putBack());
      return false;
    }
    if (line.asking === undefined && (line.waiting.length === 0 || before(waiter, line.waiting[0]))) {
      line.asking = waiter.executionId;
      return true;
    }
    this.insert(line, waiter);
    return false;
  }

  /** Refused: it waits at its place; the line's first asks again after `recheckMs`, or when a slot is released here. */
  wait(taskId: string, waiter: LineWaiter, recheckMs: number): void {
    const line = this.lineOf(taskId);
    if (line.asking === waiter.executionId) line.asking = undefined;
    this.remove(line, waiter.executionId);
    if (this.closed) {
      safely(() => waiter.putBack());
      return;
    }
    // Its item's last in-progress ack may be as old as it was when it left the line to ask: one now.
    safely(() => waiter.keepAlive());
    this.insert(line, waiter);
    if (line.asking !== undefined) return;
    const atMs = this.now() + recheckMs;
    if (line.recheck !== undefined && (line.recheckAtMs ?? Infinity) <= atMs) return;
    clearTimeout(line.recheck);
    line.recheckAtMs = atMs;
    line.recheck = setTimeout(() => this.askNext(taskId), recheckMs);
  }

  /** `executionId` is done asking (it got the slot, or left): the line's next asks at once. No-op for any other. */
  settle(taskId: string, executionId: string): void {
    const line = this.lines.get(taskId);
    if (line === undefined || line.asking !== executionId) return;
    line.asking = undefined;
    if (line.waiting.length === 0) this.drop(taskId, line);
    else setImmediate(() => this.askNext(taskId));
  }

  /**
   * A slot of the task was released here: the line's first asks at once (once the releasing handler has given its
   * executor slot back too).
   */
  wake(taskId: string): void {
    if (this.lines.has(taskId)) setImmediate(() => this.askNext(taskId));
  }

  /** Shutdown: every held item goes back, and any that would wait from now on too. */
  close(): void {
    this.closed = true;
    clearInterval(this.keepAliveTimer);
    for (const [taskId, line] of this.lines) {
      clearTimeout(line.recheck);
      line.waitingIds.clear();
      for (const waiter of line.waiting.splice(0)) {
        this.held.delete(waiter);
        safely(() => waiter.putBack());
      }
      if (line.asking === undefined) this.lines.delete(taskId);
    }
  }

  private askNext(taskId: string): void {
    const line = this.lines.get(taskId);
    if (!line || line.asking !== undefined) return;
    clearTimeout(line.recheck);
    line.recheck = undefined;
    line.recheckAtMs = undefined;
    const first = line.waiting.shift();
    if (first === undefined) return this.drop(taskId, line);
    line.waitingIds.delete(first.executionId);
    this.held.delete(first);
    line.asking = first.executionId;
    first.ask();
  }

  private lineOf(taskId: string): Line {
    let line = this.lines.get(taskId);
    if (!line) this.lines.set(taskId, (line = { waiting: [], waitingIds: new Set() }));
    return line;
  }

  /** An empty line, no one asking: gone. */
  private drop(taskId: string, line: Line): void {
    clearTimeout(line.recheck);
    line.recheck = undefined;
    line.recheckAtMs = undefined;
    this.lines.delete(taskId);
  }

  /** In place order; a backfill arrives in order, so mostly at the end. */
  private insert(line: Line, waiter: LineWaiter): void {
    const { waiting } = line;
    let at = waiting.length;
    if (at > 0 && before(waiter, waiting[at - 1])) {
      let low = 0;
      let high = at - 1;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (before(waiter, waiting[mid])) high = mid;
        else low = mid + 1;
      }
      at = low;
    }
    waiting.splice(at, 0, waiter);
    line.waitingIds.add(waiter.executionId);
    this.held.set(waiter, this.now());
  }

  private remove(line: Line, executionId: string): void {
    if (!line.waitingIds.delete(executionId)) return;
    const at = line.waiting.findIndex((waiter) => waiter.executionId === executionId);
    if (at === -1) return;
    this.held.delete(line.waiting[at]);
    line.waiting.splice(at, 1);
  }

  private keepAlive(): void {
    const dueMs = this.now() - this.keepAliveMs;
    for (const [waiter, lastMs] of this.held) {
      if (lastMs > dueMs) break;
      this.held.delete(waiter); // to the end: the oldest stay first
      this.held.set(waiter, this.now());
      safely(() => waiter.keepAlive());
    }
  }
}

/**
 * An ack or nak on a closed or broken connection throws: nothing to do then. Its ack wait passes and the server
 * delivers it again (enter takes the newer delivery).
 */
function safely(settle: () => void): void {
  try {
    settle();
  } catch {
    // See above.
  }
}
