/**
 * Runs tasks one after another per key, different keys in parallel: what a process needs to keep its own writers
 * to one stream from racing each other (a lost race costs a re-read and a retry, or a CONFLICT after too many).
 * A failed task does not stop the ones queued behind it. Keys leave the map when their queue drains.
 */
export class KeyedSerialQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(task);
    this.tails.set(key, run);
    const forget = (): void => {
      if (this.tails.get(key) === run) this.tails.delete(key);
    };
    run.then(forget, forget);
    return run;
  }

  /** Keys with work queued or running (for tests). */
  size(): number {
    return this.tails.size;
  }
}
