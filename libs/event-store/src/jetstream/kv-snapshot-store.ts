import type { JetStreamClient } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { Snapshot, SnapshotStore } from '../snapshots';

export const DEFAULT_SNAPSHOT_BUCKET = 'sched_snapshots';
/** A KV value is one JetStream message: bigger snapshots are not saved (the stream is then read whole). */
const MAX_SNAPSHOT_BYTES = 900 * 1024;

/**
 * Snapshots in a NATS KV bucket (created on first use), one key per stream: the latest one only (history 1).
 * Stream ids may hold characters a KV key may not, so keys are the stream id's hex.
 */
export class KvSnapshotStore implements SnapshotStore {
  private bucket?: Promise<KV>;

  constructor(
    private readonly js: JetStreamClient,
    private readonly bucketName = DEFAULT_SNAPSHOT_BUCKET,
  ) {}

  async load(streamId: string): Promise<Snapshot | undefined> {
    const entry = await (await this.kv()).get(keyOf(streamId));
    return entry?.operation === 'PUT' ? (entry.json<Snapshot>() ?? undefined) : undefined;
  }

  async save(streamId: string, snapshot: Snapshot): Promise<void> {
    const body = Buffer.from(JSON.stringify(snapshot));
    if (body.length > MAX_SNAPSHOT_BYTES) return;
    await (await this.kv()).put(keyOf(streamId), body);
  }

  private kv(): Promise<KV> {
    // A failed bucket creation must not stick: the next call tries again.
    this.bucket ??= new Kvm(this.js).create(this.bucketName, { history: 1 }).catch((error: unknown) => {
      this.bucket = undefined;
      throw error;
    });
    return this.bucket;
  }
}

const keyOf = (streamId: string): string => Buffer.from(streamId).toString('hex');
