import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { Logger } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { WorkItem } from '@sched/messaging';

export const RETRY_TIMERS_BUCKET = 'sched_retry_timers';

export interface RetryTimer extends WorkItem {
  readonly retryAtMs: number;
}

/** KV keys allow only `[-/_=.a-zA-Z0-9]`; execution ids may also hold '@' and ':'. */
const toKey = (executionId: string, attempt: number): string =>
  `${executionId.replace(/[@:=]/g, (c) => `=${c.charCodeAt(0).toString(16)}`)}.${attempt}`;

const STREAM = `KV_${RETRY_TIMERS_BUCKET}`;
const SUBJECT_PREFIX = `$KV.${RETRY_TIMERS_BUCKET}.`;

/**
 * Pending retry timers, kept in NATS KV so that a retry scheduled before every process restarted still fires:
 * the timer writes one when it sees TaskRetried (before its checkpoint moves past the event) and removes it once
 * the attempt's work item is on the queue. Removed by purging its key's subject, not by a KV delete: a delete
 * leaves a marker for good, one per retry ever made, and every start read them all (1,669 after 37 minutes of a
 * task failing half its runs, for 0-2 live timers). Listed from the stream's subjects, not with a KV watcher: a
 * watcher counts what it has to deliver when it starts, and another timer's purge meanwhile left it waiting for good.
 */
export class RetryTimerStore {
  private constructor(
    private readonly kv: KV,
    private readonly jsm: JetStreamManager,
  ) {}

  static async open(nc: NatsConnection): Promise<RetryTimerStore> {
    return new RetryTimerStore(await new Kvm(nc).create(RETRY_TIMERS_BUCKET, { history: 1 }), await jetstreamManager(nc));
  }

  async put(timer: RetryTimer): Promise<void> {
    await this.kv.put(toKey(timer.executionId, timer.attempt), JSON.stringify(timer));
  }

  async delete(timer: RetryTimer): Promise<void> {
    await this.purge(`${SUBJECT_PREFIX}${toKey(timer.executionId, timer.attempt)}`);
  }

  /** Every pending timer; a delete marker an earlier version left is purged on the way. */
  async all(): Promise<RetryTimer[]> {
    const info = await this.jsm.streams.info(STREAM, { subjects_filter: '>' });
    const timers: RetryTimer[] = [];
    for (const subject of Object.keys(info.state.subjects ?? {})) {
      const entry = await this.kv.get(subject.slice(SUBJECT_PREFIX.length));
      if (entry?.operation === 'PUT' && entry.length > 0) timers.push(entry.json<RetryTimer>());
      else if (entry) await this.purge(subject).catch((error: unknown) => new Logger('RetryTimers').warn(`could not purge ${subject}: ${String(error)}`));
    }
    return timers;
  }

  private async purge(subject: string): Promise<void> {
    await this.jsm.streams.purge(STREAM, { filter: subject });
  }
}
