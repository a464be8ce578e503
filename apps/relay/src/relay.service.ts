import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Subjects, type RecordedEvent, type TaskDue } from '@sched/contracts';
import { commitSequenceOf, type CheckpointedSubscription, type EventStore, type HandlerPending } from '@sched/event-store';
import {
  EVENT_STORE,
  NATS_CONNECTION,
  SCHED_CONFIG,
  SchedMetrics,
  ensureWorkQueue,
  firstAttemptOf,
  openLogDispatch,
  workItemMsgId,
  workQueueDepthReader,
  type SchedConfig,
  type WorkItem,
} from '@sched/messaging';
import { liveSubject, type LiveEvent } from './live-event';
import { TaskIdResolver } from './task-id-resolver';

export const RELAY_SUBSCRIPTION = 'relay';
/** Work-queue publishes awaiting their ack at once: enough to hide the round trip, bounded for memory. */
const RELAY_MAX_PENDING = 512;

/**
 * Committed events → live `sched.evt.*` subjects, and first attempts → the executor work queue where they are not
 * dispatched from the log itself (stores other than JetStream; TaskDue committed before log dispatch began). Runs on
 * a checkpointed subscription, so after a crash it resumes from its checkpoint: at-least-once, in commit order.
 * Subscribers dedupe by (streamId, revision); the work queue dedupes by `<executionId>/<attempt>`.
 */
@Injectable()
export class RelayService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Relay');
  private subscription?: CheckpointedSubscription;
  private js?: JetStreamClient;
  /** The first log sequence whose TaskDue the executors take from the log themselves (none: all go on the queue). */
  private logDispatchFrom = Number.POSITIVE_INFINITY;
  private readonly taskIds: TaskIdResolver;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(SCHED_CONFIG) private readonly config: SchedConfig,
    @Optional() private readonly metrics?: SchedMetrics,
  ) {
    this.taskIds = new TaskIdResolver(store);
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureWorkQueue(this.nc);
    // Known before the first event is relayed: which TaskDue are ours to enqueue must not change under us.
    const logDispatch = await openLogDispatch(this.nc, this.config);
    this.logDispatchFrom = logDispatch?.startSeq ?? Number.POSITIVE_INFINITY;
    this.metrics?.watchWorkQueue(workQueueDepthReader(this.nc, logDispatch !== undefined));
    this.js = jetstream(this.nc);
    this.subscription = await this.store.subscribeCheckpointed({
      name: RELAY_SUBSCRIPTION,
      from: 'start',
      handler: (event) => this.relay(event),
      maxPending: RELAY_MAX_PENDING,
      onError: (error, event) => this.logger.error(`relaying ${event.type} at ${event.position} failed: ${String(error)}`),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscription?.close();
  }

  /**
   * Live subjects are published in commit order at once; a work item's publish is left pending (see
   * HandlerPending), so up to RELAY_MAX_PENDING acks are awaited together instead of one round trip per TaskDue.
   * The checkpoint still only passes an item once the work queue has acked it and every item before it.
   */
  private async relay(event: RecordedEvent): Promise<void | HandlerPending> {
    const taskId = await this.taskIds.resolve(event);
    if (taskId === undefined) return;
    const subject = liveSubject(event, taskId);
    if (subject) {
      // Not `{ ...event, taskId }`: V8 adds a key after a spread by a slow runtime call (~0.6 µs, three per execution).
      const live: LiveEvent = Object.assign({}, event, { taskId });
      this.nc.publish(subject, JSON.stringify(live));
    }
    // From logDispatchFrom on, the executors take first attempts from the log themselves.
    const ours = event.type === 'TaskDue' && commitSequenceOf(event.position) < this.logDispatchFrom;
    const item = ours ? firstAttemptOf(event.data as TaskDue['data']) : undefined;
    if (item) return { pending: this.enqueue(item) };
  }

  private async enqueue(item: WorkItem): Promise<void> {
    const ack = await this.js!.publish(Subjects.work.forType(item.executor), JSON.stringify(item), { msgID: workItemMsgId(item) });
    if (!ack.duplicate) this.metrics?.workEnqueued(item.executor);
  }
}
