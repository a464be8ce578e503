import { WORK_ACK_WAIT_MS } from '@sched/messaging';

/** Longer than this to wait (a timer whose clock runs well ahead of ours): the item goes back to the server instead. */
const MAX_HOLD_MS = Math.floor(WORK_ACK_WAIT_MS / 3);

/**
 * Holds work recorded ahead of the instant it fires at (TaskDue.notBefore: the timer's fire-ahead window) until that
 * instant, without an executor slot, then starts it. Each wake reads the clock again, so a wall clock stepped back
 * meanwhile does not start it early. An item with longer to wait than a third of the ack wait, and every held item
 * at shutdown, is put back (nak) for the server to deliver again.
 */
export class EarlyStarts {
  private readonly held = new Map<NodeJS.Timeout, () => void>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Items waiting for their instant right now. */
  get size(): number {
    return this.held.size;
  }

  /** Calls `start` at `notBeforeMs` (at once when it is absent or past), or `putBack` (see the class). */
  hold(notBeforeMs: number | undefined, start: () => void, putBack: (delayMs?: number) => void): void {
    const waitMs = notBeforeMs === undefined ? 0 : notBeforeMs - this.now();
    if (waitMs <= 0) {
      start();
      return;
    }
    if (waitMs > MAX_HOLD_MS) {
      putBack(waitMs);
      return;
    }
    const timer = setTimeout(() => {
      this.held.delete(timer);
      this.hold(notBeforeMs, start, putBack);
    }, waitMs);
    this.held.set(timer, () => putBack());
  }

  /** Shutdown: every held item goes back. */
  close(): void {
    for (const [timer, putBack] of this.held) {
      clearTimeout(timer);
      putBack();
    }
    this.held.clear();
  }
}
