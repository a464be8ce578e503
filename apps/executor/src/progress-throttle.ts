import type { Progress } from './execution-actor';

/** At most 4 TaskProgressed events a second per execution: the write budget, not the executor code, decides. */
export const PROGRESS_INTERVAL_MS = 250;

/**
 * Throttles an attempt's progress reports: the first goes out at once, later ones at most once per interval, and
 * only the newest of those that arrive in between is kept. The one still waiting when the attempt ends is handed
 * to the outcome (`takePending`), so the last progress is always recorded, in the same commit as the outcome.
 */
export class ProgressThrottle {
  private lastSentMs = Number.NEGATIVE_INFINITY;
  private pending?: Progress;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly send: (progress: Progress) => Promise<void>,
    private readonly intervalMs = PROGRESS_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  report(progress: Progress): Promise<void> {
    const waitMs = this.lastSentMs + this.intervalMs - this.now();
    if (waitMs <= 0 && !this.timer) return this.flush(progress);
    this.pending = progress;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const latest = this.pending;
      this.pending = undefined;
      if (latest) void this.flush(latest).catch(() => undefined);
    }, Math.max(0, waitMs));
    return Promise.resolve();
  }

  /** Stops the timer and returns the progress not yet sent, if any. */
  takePending(): Progress | undefined {
    clearTimeout(this.timer);
    this.timer = undefined;
    const latest = this.pending;
    this.pending = undefined;
    return latest;
  }

  private flush(progress: Progress): Promise<void> {
    this.lastSentMs = this.now();
    return this.send(progress);
  }
}
