/** Env var: per-process limits per executor type, e.g. `http=8,command=2` (types not listed: only the process limit). */
export const EXECUTOR_TYPE_CONCURRENCY_ENV = 'EXECUTOR_TYPE_CONCURRENCY';

export function parseTypeLimits(raw: string | undefined): Map<string, number> {
  const limits = new Map<string, number>();
  for (const part of (raw ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([a-z][a-z0-9_-]*)=(\d+)$/.exec(part);
    if (!match || Number(match[2]) < 1) {
      throw new Error(`${EXECUTOR_TYPE_CONCURRENCY_ENV}: "${part}" is not <type>=<positive integer>, e.g. "http=8,command=2"`);
    }
    limits.set(match[1], Number(match[2]));
  }
  return limits;
}

/** Counts running attempts per executor type in this process against the configured limits. */
export class TypeLimits {
  private readonly running = new Map<string, number>();

  constructor(private readonly limits: ReadonlyMap<string, number>) {}

  tryTake(type: string): boolean {
    const used = this.running.get(type) ?? 0;
    if (used >= (this.limits.get(type) ?? Number.POSITIVE_INFINITY)) return false;
    this.running.set(type, used + 1);
    return true;
  }

  release(type: string): void {
    this.running.set(type, Math.max(0, (this.running.get(type) ?? 0) - 1));
  }
}
