/**
 * How long to wait before starting a lost thread again: `minMs`, doubling up to `maxMs` while it keeps dying soon
 * after it starts (or fails to start at all), back to `minMs` once one stayed up for `stableMs`. A reset on every
 * successful start would restart a thread that crashes a moment after it is ready every `minMs`, forever.
 */
export class RestartBackoff {
  private nextDelayMs: number;
  private upSinceMs?: number;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
    private readonly stableMs: number,
  ) {
    this.nextDelayMs = minMs;
  }

  /** The thread is ready (at `nowMs`). */
  started(nowMs: number): void {
    this.upSinceMs = nowMs;
  }

  /** The thread is lost (at `nowMs`, whether it was up or never started): the delay before the next start. */
  lost(nowMs: number): number {
    if (this.upSinceMs !== undefined && nowMs - this.upSinceMs >= this.stableMs) this.nextDelayMs = this.minMs;
    this.upSinceMs = undefined;
    const delayMs = this.nextDelayMs;
    this.nextDelayMs = Math.min(delayMs * 2, this.maxMs);
    return delayMs;
  }
}
