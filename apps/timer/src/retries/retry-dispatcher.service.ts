import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Subjects, parseStreamId, toExecutionStreamId, type RecordedEvent, type TaskDue, type TaskRetried } from '@sched/contracts';
import type { CheckpointedSubscription, EventStore } from '@sched/event-store';
import { EVENT_STORE, NATS_CONNECTION, ensureWorkQueue, workItemMsgId } from '@sched/messaging';
import { TimerDriver, systemClock, type Clock, type TimerEntry } from '../scheduling';
import { TIMER_CLOCK } from '../timer-clock';
import { RetryTimerStore, type RetryTimer } from './retry-timer-store';

export const RETRY_SUBSCRIPTION = 'timer-retries';
const REDISPATCH_DELAY_MS = 1_000;

const timerKey = (timer: RetryTimer): string => `${timer.executionId}/${timer.attempt}`;

/**
 * Durable retry timers: TaskRetried{attempt, retryAt} → at retryAt the attempt's work item goes on the executor
 * queue. Each pending timer is in KV before the subscription's checkpoint moves past its event, so a retry survives
 * restarts of every process. Every timer instance may dispatch: the queue dedupes by `<executionId>/<attempt>` and
 * an executor drops an attempt that is no longer the next one.
 */
@Injectable()
export class RetryDispatcherService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('RetryTimers');
  private readonly driver: TimerDriver<RetryTimer>;
  private timers?: RetryTimerStore;
  private js?: JetStreamClient;
  private subscription?: CheckpointedSubscription;
  private stopped = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Optional() @Inject(TIMER_CLOCK) clock: Clock = systemClock,
  ) {
    this.driver = new TimerDriver<RetryTimer>(clock, (entries) => this.onDue(entries));
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureWorkQueue(this.nc);
    this.js = jetstream(this.nc);
    this.timers = await RetryTimerStore.open(this.nc);
    for (const timer of await this.timers.all()) this.driver.schedule(timerKey(timer), timer.retryAtMs, timer);
    this.driver.start();
    this.subscription = await this.store.subscribeCheckpointed({
      name: RETRY_SUBSCRIPTION,
      from: 'start',
      filter: { streamPrefixes: ['execution-'], eventTypes: ['TaskRetried'] },
      handler: (event) => this.remember(event),
      onError: (error, event) => this.logger.warn(`retry timer for ${event.streamId} not stored yet: ${String(error)}`),
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.driver.stop();
    await this.subscription?.close();
  }

  pending(): number {
    return this.driver.size;
  }

  private async remember(event: RecordedEvent): Promise<void> {
    const executionId = parseStreamId(event.streamId)?.id;
    if (!executionId) return;
    const [first] = await this.store.read(toExecutionStreamId(executionId));
    if (first?.type !== 'TaskDue') return;
    const due = first.data as TaskDue['data'];
    const retried = event.data as TaskRetried['data'];
    const timer: RetryTimer = {
      executionId,
      taskId: due.taskId,
      executor: due.executor,
      attempt: retried.attempt,
      retryAtMs: Date.parse(retried.retryAt),
    };
    await this.timers!.put(timer);
    this.driver.schedule(timerKey(timer), timer.retryAtMs, timer);
  }

  private onDue(entries: TimerEntry<RetryTimer, string>[]): void {
    for (const { value } of entries) void this.dispatch(value);
  }

  private async dispatch(timer: RetryTimer): Promise<void> {
    const { retryAtMs: _retryAtMs, ...item } = timer;
    try {
      await this.js!.publish(Subjects.work.forType(item.executor), JSON.stringify(item), { msgID: workItemMsgId(item) });
      await this.timers!.delete(timer);
    } catch (error) {
      if (this.stopped) return;
      this.logger.warn(`dispatching retry ${timerKey(timer)} failed, again in 1 s: ${String(error)}`);
      this.driver.schedule(timerKey(timer), Date.now() + REDISPATCH_DELAY_MS, timer);
    }
  }
}
