/** Counts free execution slots; `whenFree()` resolves once at least one is free. */
export class Slots {
  private used = 0;
  private waiters: Array<() => void> = [];

  constructor(readonly capacity: number) {}

  get free(): number {
    return this.capacity - this.used;
  }

  get inUse(): number {
    return this.used;
  }

  /** Takes a slot if one is free. */
  tryTake(): boolean {
    if (this.used >= this.capacity) return false;
    this.used += 1;
    return true;
  }

  release(): void {
    this.used -= 1;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  async whenFree(): Promise<number> {
    while (this.free <= 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.free;
  }

  /** Resolves when nothing is in use any more. */
  async drained(): Promise<void> {
    while (this.used > 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
}
