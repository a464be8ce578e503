import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { within } from '@sched/event-store';
import { TIMER_LEASES_BUCKET } from '@sched/messaging';
import { LiveMembers } from './live-members';

export const LEASES_BUCKET = TIMER_LEASES_BUCKET;
export const WATERMARKS_BUCKET = 'sched_timer_watermarks';
/** How long a stopping timer tries to hand its partitions over (see stop). */
const HAND_OVER_DEADLINE_MS = 3_000;

export interface PartitionLeaseOptions {
  readonly partitions: number;
  /** A lease not renewed for this long expires (NATS KV TTL): how fast a dead owner's partitions move. */
  readonly ttlMs: number;
  /** How often leases are renewed and rebalanced; well under ttlMs. */
  readonly renewEveryMs: number;
}

export interface PartitionListener {
  /** This instance now owns the partition; `watermarkMs` is how far its previous owner had fired (if known). */
  acquired(partition: number, watermarkMs: number | undefined): void;
  /** This instance no longer owns the partition (released, or a renewal failed): stop firing it at once. */
  lost(partition: number): void;
}

/** FNV-1a: a stable, fast hash, so every instance maps a task to the same partition. */
export function partitionOf(id: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i += 1) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}

/**
 * Timer instances share the schedule by partitions, each held with a lease in NATS KV whose TTL the owner keeps
 * renewing. Membership keys (same TTL), followed by one watcher (LiveMembers), tell every instance how many are
 * alive, so each aims at its fair share: it takes free partitions while below it and gives back extras while above
 * it. A killed owner stops renewing, its leases expire after ttlMs, and the others take them. Per partition, the
 * owner also records a watermark (everything due up to it was fired) without TTL, so the next owner knows exactly
 * what it missed.
 */
export class PartitionLeases {
  private readonly owned = new Map<number, number>(); // partition → lease revision
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private stopped = false;

  private constructor(
    private readonly leases: KV,
    private readonly watermarks: KV,
    private readonly members: LiveMembers,
    private readonly instanceId: string,
    private readonly options: PartitionLeaseOptions,
    private readonly listener: PartitionListener,
  ) {}

  static async start(
    nc: NatsConnection,
    instanceId: string,
    options: PartitionLeaseOptions,
    listener: PartitionListener,
  ): Promise<PartitionLeases> {
    const kvm = new Kvm(nc);
    const leases = await kvm.create(LEASES_BUCKET, { ttl: options.ttlMs, history: 1 });
    const watermarks = await kvm.create(WATERMARKS_BUCKET, { history: 1 });
    const members = await LiveMembers.watch(nc, leases, 'm.>', options.ttlMs);
    const instance = new PartitionLeases(leases, watermarks, members, instanceId.replace(/[^-_a-zA-Z0-9]/g, '_'), options, listener);
    await instance.tick();
    instance.schedule();
    return instance;
  }

  ownedPartitions(): number[] {
    return [...this.owned.keys()].sort((a, b) => a - b);
  }

  owns(partition: number): boolean {
    return this.owned.has(partition);
  }

  /** Records that every occurrence due up to `watermarkMs` in the owned partitions was handled. */
  async saveWatermarks(watermarkMs: number): Promise<void> {
    const value = String(Math.floor(watermarkMs));
    await Promise.all(this.ownedPartitions().map((p) => this.watermarks.put(`w.${p}`, value)));
  }

  /**
   * Gives every partition back (with a final watermark) so the others take over at once. A courtesy with a deadline:
   * the leases run out after their TTL anyway, and with the server gone each KV call waits out its timeout (one
   * partition after another that was 16 × 5 s, holding up the whole process's stop).
   */
  async stop(finalWatermarkMs?: number): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const handedOver = (async () => {
      await this.ticking; // a renewal in flight first: it may still take or give back a partition
      await this.handOver(finalWatermarkMs);
    })();
    // Given up at the deadline, or when it fails: the leases run out by themselves.
    await within(handedOver, HAND_OVER_DEADLINE_MS, () => new Error('lease hand-over timed out')).catch(() => undefined);
    this.members.stop();
  }

  private async handOver(finalWatermarkMs: number | undefined): Promise<void> {
    if (finalWatermarkMs !== undefined) await this.saveWatermarks(finalWatermarkMs).catch(() => undefined);
    await Promise.all(this.ownedPartitions().map((partition) => this.release(partition)));
    await this.leases.delete(`m.${this.instanceId}`).catch(() => undefined);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.ticking = this.tick()
        .catch(() => undefined)
        .finally(() => this.schedule());
    }, this.options.renewEveryMs);
  }

  private async tick(): Promise<void> {
    // Membership and every lease renewed at once, not one after the other: on a loaded machine 17 round trips in a
    // row took a tick past the TTL, and the instance's own entries expired while it ran.
    const [ownPut] = await Promise.all([this.leases.put(`m.${this.instanceId}`, String(Date.now())), this.renew()]);
    const members = await this.members.countAsOf(ownPut);
    const fairShare = Math.ceil(this.options.partitions / Math.max(1, members));
    if (this.owned.size < fairShare) await this.acquire(fairShare - this.owned.size);
    else if (this.owned.size > fairShare) {
      for (const partition of this.ownedPartitions().slice(fairShare)) await this.release(partition);
    }
  }

  private async renew(): Promise<void> {
    await Promise.all(
      [...this.owned].map(async ([partition, revision]) => {
        try {
          this.owned.set(partition, await this.leases.update(`p.${partition}`, this.instanceId, revision));
        } catch {
          // Expired (we were too slow) or taken over: someone else may be firing it now.
          this.owned.delete(partition);
          this.listener.lost(partition);
        }
      }),
    );
  }

  private async acquire(wanted: number): Promise<void> {
    const free = shuffle([...Array(this.options.partitions).keys()].filter((p) => !this.owned.has(p)));
    for (const partition of free) {
      if (wanted <= 0 || this.stopped) return;
      let revision: number;
      try {
        revision = await this.leases.create(`p.${partition}`, this.instanceId);
      } catch {
        continue; // held by someone else
      }
      this.owned.set(partition, revision);
      wanted -= 1;
      try {
        const watermark = await this.watermarks.get(`w.${partition}`);
        this.listener.acquired(partition, watermark?.length ? Number(watermark.string()) : undefined);
      } catch {
        // Taken, but where its previous owner got to is unknown: given back rather than held unfired (it was kept and
        // renewed, its tasks never fired, and the watermark saved for it moved past what nobody fired).
        await this.release(partition);
      }
    }
  }

  private async release(partition: number): Promise<void> {
    const revision = this.owned.get(partition);
    this.owned.delete(partition);
    this.listener.lost(partition);
    if (revision !== undefined) await this.leases.delete(`p.${partition}`, { previousSeq: revision }).catch(() => undefined);
  }
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
