/**
 * Counts completed executions (jobs) as a benchmark side reports them, and lets a batch wait until the count reaches
 * its end: the callbacks that see a completion and the batch that waits for it run apart.
 */
export class Completions {
  private done = 0;
  private target = Number.POSITIVE_INFINITY;
  private reached: () => void = () => {};

  /** One more completed. */
  add(): void {
    if (++this.done === this.target) this.reached();
  }

  /** Resolves once `total` have completed since the start (not since this call). */
  until(total: number): Promise<void> {
    if (this.done >= total) return Promise.resolve();
    this.target = total;
    return new Promise<void>((resolve) => (this.reached = resolve));
  }
}
