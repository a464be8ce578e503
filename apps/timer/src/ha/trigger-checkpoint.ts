import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { WATERMARKS_BUCKET } from './partition-leases';

const KEY = 'triggers';

/**
 * How far in the log every manual trigger (TaskTriggered) has had its TaskDue appended: a starting timer re-fires
 * only the triggers after it (those a timer may have died before recording). Before, every start re-fired every
 * trigger in history, each refused as already fired, one append after the other before following the log: a task
 * triggered every second for a week made each timer start wait ~600k appends.
 *
 * One key for every instance: each fires every trigger (starting them in log order, several at once) and saves only
 * a position it fired everything through (below any trigger still being fired). Instances overwriting each other's
 * values only ever make a start re-fire more (appends are idempotent by execution id), never less.
 */
export class TriggerCheckpoint {
  private firedThrough?: number;
  private saved?: number;

  private constructor(private readonly kv: KV) {}

  static async open(nc: NatsConnection): Promise<TriggerCheckpoint> {
    return new TriggerCheckpoint(await new Kvm(nc).create(WATERMARKS_BUCKET, { history: 1 }));
  }

  /**
   * The saved position, or undefined when there is none or it lies past the log's head: then the log is not the
   * one it was saved for (replaced, or imported into a new store), and every trigger is re-fired as before.
   */
  async load(headPosition: number): Promise<number | undefined> {
    const entry = await this.kv.get(KEY);
    const position = entry?.operation === 'PUT' ? Number(entry.string()) : NaN;
    if (!Number.isSafeInteger(position) || position > headPosition) return undefined;
    this.firedThrough = this.saved = position;
    return position;
  }

  /** Every trigger at or before `position` has its TaskDue (or never will: its task is gone). */
  advance(position: number): void {
    if (this.firedThrough === undefined || position > this.firedThrough) this.firedThrough = position;
  }

  async save(): Promise<void> {
    const position = this.firedThrough;
    if (position === undefined || position === this.saved) return;
    await this.kv.put(KEY, String(position));
    this.saved = position;
  }
}
