/** A push-to-pull bridge: producers push, one consumer iterates; `end` finishes it (with an error, if given). */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private waiting?: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void };
  private ended = false;
  private failure?: unknown;
  private readonly drained: Array<{ readonly below: number; readonly resolve: () => void }> = [];

  constructor(private readonly onReturn: () => void = () => undefined) {}

  push(item: T): void {
    if (this.ended) return;
    if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve({ value: item, done: false });
    } else {
      this.items.push(item);
    }
  }

  /** Items pushed and not yet taken. */
  get size(): number {
    return this.items.length;
  }

  /** Resolves once fewer than `below` items wait (at once if so), or the queue ended. */
  whenBelow(below: number): Promise<void> {
    if (this.items.length < below || this.ended) return Promise.resolve();
    return new Promise((resolve) => this.drained.push({ below, resolve }));
  }

  end(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error;
    for (const waiter of this.drained.splice(0)) waiter.resolve();
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) {
      if (error !== undefined) waiting.reject(error);
      else waiting.resolve({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) {
      const value = this.items.shift() as T;
      if (this.drained.length > 0) this.wakeDrained();
      return Promise.resolve({ value, done: false });
    }
    if (this.ended) {
      return this.failure === undefined ? Promise.resolve({ value: undefined, done: true }) : Promise.reject(this.failure);
    }
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  /** A `break` out of `for await` ends the feed behind the queue. */
  return(): Promise<IteratorResult<T>> {
    this.onReturn();
    this.end();
    this.items.length = 0;
    return Promise.resolve({ value: undefined, done: true });
  }

  private wakeDrained(): void {
    for (let i = this.drained.length - 1; i >= 0; i--) {
      if (this.items.length >= this.drained[i].below) continue;
      this.drained[i].resolve();
      this.drained.splice(i, 1);
    }
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
