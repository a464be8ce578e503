import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { WORKERS_BUCKET, workerKeyOf as keyOf } from './kv-registries';
import { WORK_ACK_WAIT_MS } from './work-queue';

/** A worker that stops refreshing its entry is gone after this long: the ack wait, the floor of a redelivery too. */
export const WORKER_TTL_MS = WORK_ACK_WAIT_MS;
/** How often a worker refreshes its entry by default: well inside the TTL. */
export const WORKER_REFRESH_EVERY_MS = Math.min(5_000, Math.floor(WORKER_TTL_MS / 3));

/**
 * Which workers are alive (executors; workflow services and timers too, through WorkerLiveness): each refreshes a key
 * of its own (its worker id → when it last did, for people) in a KV bucket whose entries expire after WORKER_TTL_MS.
 * For executors it answers the one question a work item cannot: a first
 * delivery of an execution whose stream says another worker runs it is normally a duplicate publish (the worker
 * holds its own delivery, which comes back should it die), but a history imported from another store holds attempts
 * whose workers ran against that store: nothing here will ever end them or bring their deliveries back.
 */
export class WorkerRegistry {
  private timer?: NodeJS.Timeout;
  private statuses?: AsyncIterable<{ type: string }> & { stop?: () => void };
  private lastReconnectMs = Number.NEGATIVE_INFINITY;

  private constructor(
    private readonly kv: KV,
    private readonly workerId: string,
  ) {}

  /** Opens the bucket and records this worker alive, before it takes any work. `ttlMs`: shorter in tests only. */
  static async open(nc: NatsConnection, workerId: string, ttlMs = WORKER_TTL_MS): Promise<WorkerRegistry> {
    const kv = await new Kvm(nc).create(WORKERS_BUCKET, { history: 1, ttl: ttlMs });
    const registry = new WorkerRegistry(kv, workerId);
    await registry.refresh();
    void registry.watchReconnects(nc);
    return registry;
  }

  /** Keeps this worker's entry fresh every `intervalMs` (well inside the TTL); a failed refresh is tried at the next. */
  start(intervalMs = WORKER_REFRESH_EVERY_MS): void {
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), intervalMs);
    this.timer.unref();
  }

  /**
   * Whether this process's connection came back from an outage within `ms`: entries may have expired while the
   * server was down (their age counts on), and each worker's comes back with its next refresh only.
   */
  reconnectedWithin(ms: number): boolean {
    return Date.now() - this.lastReconnectMs < ms;
  }

  /** A reconnect refreshes this worker's entry at once, so others find it again as early as they can. */
  private async watchReconnects(nc: NatsConnection): Promise<void> {
    this.statuses = nc.status() as AsyncIterable<{ type: string }> & { stop?: () => void };
    for await (const status of this.statuses) {
      if (status.type !== 'reconnect') continue;
      this.lastReconnectMs = Date.now();
      void this.refresh().catch(() => undefined);
    }
  }

  async refresh(): Promise<void> {
    await this.kv.put(keyOf(this.workerId), new Date().toISOString());
  }

  /**
   * False when `workerId` has not refreshed its entry within the TTL (or never had one here). The server expires the
   * entries (the bucket's max age), so no two hosts' clocks are compared. Throws when NATS does.
   */
  async isAlive(workerId: string): Promise<boolean> {
    const entry = await this.kv.get(keyOf(workerId));
    return entry !== null && entry.operation === 'PUT';
  }

  /**
   * Stops refreshing. The entry is left to expire rather than removed: another process given the same worker id
   * (INSTANCE_ID) would otherwise look gone while it runs.
   */
  close(): void {
    clearInterval(this.timer);
    this.statuses?.stop?.();
  }
}
