import type { Progress } from './execution-actor';

/** At most 4 TaskProgressed events a second per execution: the write budget, not the executor code, decides. */
export const PROGRESS_INTERVAL_MS = 250;

/**
 * Throttles an attempt's progress reports: the first goes out at once, later ones at most once per interval and
 * never while the one before is still being recorded; only the newest of those that arrive in between is kept. The
 * one still waiting when the attempt ends is handed to the outcome (`takePending`), so the last progress is always
 * recorded, in the same commit as the outcome.
 *
 * A report never waits for its append: executor code reporting progress goes on while the store is slow or NATS is
 * reconnecting (a 10 s sleep across a 5 s outage took 15 s when it did), and at most one append is in flight.
 */
export class ProgressThrottle {
  private lastSentMs = Number.NEGATIVE_INFINITY;
  private pending?: Progress;
  private timer?: NodeJS.Timeout;
  private inFlight = false;
  private closed = false;

  constructor(
    private readonly send: (progress: Progress) => Promise<void>,
    private readonly intervalMs = PROGRESS_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  report(progress: Progress): void {
    if (this.closed) return; // code still reporting after its attempt ended: nothing of it is recorded
    this.pending = progress;
    this.schedule();
  }

  /** Stops sending and returns the progress not yet sent, if any. */
  takePending(): Progress | undefined {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    const latest = this.pending;
    this.pending = undefined;
    return latest;
  }

  private schedule(): void {
    if (this.inFlight || this.timer || !this.pending || this.closed) return;
    const waitMs = this.lastSentMs + this.intervalMs - this.now();
    if (waitMs > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, waitMs);
      return;
    }
    const progress = this.pending;
    this.pending = undefined;
    this.lastSentMs = this.now();
    this.inFlight = true;
    void this.send(progress)
      .catch(() => undefined) // the sender reports its own failures
      .finally(() => {
        this.inFlight = false;
        this.schedule();
      });
  }
}
