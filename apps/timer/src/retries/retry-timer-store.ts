import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { WorkItem } from '@sched/messaging';

export const RETRY_TIMERS_BUCKET = 'sched_retry_timers';

export interface RetryTimer extends WorkItem {
  readonly retryAtMs: number;
}

/** KV keys allow only `[-/_=.a-zA-Z0-9]`; execution ids may also hold '@' and ':'. */
const toKey = (executionId: string, attempt: number): string =>
  `${executionId.replace(/[@:=]/g, (c) => `=${c.charCodeAt(0).toString(16)}`)}.${attempt}`;

/**
 * Pending retry timers, kept in NATS KV so that a retry scheduled before every process restarted still fires:
 * the timer writes one when it sees TaskRetried (before its checkpoint moves past the event) and deletes it once
 * the attempt's work item is on the queue.
 */
export class RetryTimerStore {
  private constructor(private readonly kv: KV) {}

  static async open(nc: NatsConnection): Promise<RetryTimerStore> {
    return new RetryTimerStore(await new Kvm(nc).create(RETRY_TIMERS_BUCKET, { history: 1 }));
  }

  async put(timer: RetryTimer): Promise<void> {
    await this.kv.put(toKey(timer.executionId, timer.attempt), JSON.stringify(timer));
  }

  async delete(timer: RetryTimer): Promise<void> {
    await this.kv.delete(toKey(timer.executionId, timer.attempt));
  }

  async all(): Promise<RetryTimer[]> {
    const timers: RetryTimer[] = [];
    const keys = await this.kv.keys();
    for await (const key of keys) {
      const entry = await this.kv.get(key);
      if (entry && entry.operation === 'PUT' && entry.length > 0) timers.push(entry.json<RetryTimer>());
    }
    return timers;
  }
}
