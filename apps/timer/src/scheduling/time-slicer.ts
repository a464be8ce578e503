import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Long work split into steps (a generator yielding between them), run so that the event loop gets a turn at least
 * every `sliceMs`: lease renewals, watermark saves and due fires go on while it runs.
 */
export class TimeSlicer {
  private sliceStartMs = performance.now();

  constructor(private readonly sliceMs: number) {}

  /** The result of `steps`, or undefined when `cancelled` says so at a turn. */
  async run<T>(steps: Generator<void, T>, cancelled: () => boolean): Promise<T | undefined> {
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done) return step.value;
      if (!(await this.turnIfDue(cancelled))) return undefined;
    }
  }

  /** Gives the event loop a turn if this slice is used up; false when `cancelled` says so after it. */
  async turnIfDue(cancelled: () => boolean): Promise<boolean> {
    if (performance.now() - this.sliceStartMs < this.sliceMs) return true;
    await nextTurn();
    this.sliceStartMs = performance.now();
    return !cancelled();
  }
}
