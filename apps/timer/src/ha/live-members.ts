import type { KV, KvWatchEntry } from '@nats-io/kv';
import type { QueuedIterator } from '@nats-io/nats-core';

type Watcher = QueuedIterator<KvWatchEntry>;
type Closable = { isClosed(): boolean };

const REWATCH_AFTER_MS = 250;

/**
 * The timer instances alive, from one KV watcher on their membership keys that lasts as long as this instance.
 * Counting them with `kv.keys()` on every renewal, as before, made nats.js create an ephemeral consumer each time
 * (every 300 ms) that nats-server then kept for its 5-minute inactive threshold: ~1,000 idle consumers on the
 * leases bucket per timer instance. A member counts from its put until it deletes its key (a clean stop) or has not
 * put it again for `ttlMs`: the bucket's TTL, after which the server drops the key without telling watchers.
 */
export class LiveMembers {
  private readonly lastPutMs = new Map<string, number>();
  private lastRevision = 0;
  private readonly waiters = new Set<{ readonly revision: number; readonly release: () => void }>();
  private watcher?: Watcher;
  private stopped = false;

  private constructor(
    private readonly connection: Closable,
    private readonly kv: KV,
    private readonly keys: string,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /** Watches `keys` (e.g. `m.>`) from their current values on, on the bucket's `connection`. */
  static async watch(connection: Closable, kv: KV, keys: string, ttlMs: number, now: () => number = Date.now): Promise<LiveMembers> {
    const members = new LiveMembers(connection, kv, keys, ttlMs, now);
    await members.rewatch();
    return members;
  }

  /**
   * How many members are alive, as of the bucket's `revision` at least: pass the revision of this instance's own
   * put and the count includes it and everything put before it. Waits at most `ttlMs` for the watcher to get there
   * (a disconnection), then counts what it has; never less than 1 (the caller is alive).
   */
  async countAsOf(revision: number): Promise<number> {
    if (this.lastRevision < revision && !this.stopped) {
      let release!: () => void;
      const caughtUp = new Promise<void>((resolve) => (release = resolve));
      const waiter = { revision, release };
      this.waiters.add(waiter);
      const timeout = setTimeout(release, this.ttlMs);
      await caughtUp;
      clearTimeout(timeout);
      this.waiters.delete(waiter);
    }
    const oldestMs = this.now() - this.ttlMs;
    for (const [key, putMs] of this.lastPutMs) if (putMs < oldestMs) this.lastPutMs.delete(key);
    return Math.max(1, this.lastPutMs.size);
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.stop();
    for (const waiter of this.waiters) waiter.release();
  }

  private async rewatch(): Promise<void> {
    const watcher = (this.watcher = await this.kv.watch({ key: this.keys }));
    void this.follow(watcher);
  }

  /**
   * Applies the watcher's entries; if it ends while this instance runs (the server went away), watches again, until
   * stopped or the connection is closed for good.
   */
  private async follow(watcher: Watcher): Promise<void> {
    try {
      for await (const entry of watcher) {
        if (entry.operation === 'PUT') this.lastPutMs.set(entry.key, this.now());
        else this.lastPutMs.delete(entry.key);
        this.lastRevision = Math.max(this.lastRevision, entry.revision);
        for (const waiter of this.waiters) if (this.lastRevision >= waiter.revision) waiter.release();
      }
    } catch {
      // Ended by an error: watched again below.
    }
    while (!this.stopped && !this.connection.isClosed()) {
      await new Promise((resolve) => setTimeout(resolve, REWATCH_AFTER_MS));
      if (this.stopped || this.connection.isClosed()) return;
      try {
        return await this.rewatch();
      } catch {
        // Still away: try again.
      }
    }
  }
}
