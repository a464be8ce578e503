/** Counts running attempts per executor type in this process against the configured limits. */
export class TypeLimits {
  private readonly running = new Map<string, number>();

  constructor(private readonly limits: Readonly<Record<string, number>>) {}

  tryTake(type: string): boolean {
    const used = this.running.get(type) ?? 0;
    if (used >= (this.limits[type] ?? Number.POSITIVE_INFINITY)) return false;
    this.running.set(type, used + 1);
    return true;
  }

  release(type: string): void {
    this.running.set(type, Math.max(0, (this.running.get(type) ?? 0) - 1));
  }
}
