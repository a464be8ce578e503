import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { toTaskStreamId, type BackfillRequested, type RecordedEvent, type TaskEvent } from '@sched/contracts';
import { backfillSchedules, fold, nextOccurrences, taskDecider } from '@sched/domain';
import type { CheckpointedSubscription, EventStore } from '@sched/event-store';
import { EVENT_STORE, SCHED_CONFIG, SchedMetrics, type SchedConfig } from '@sched/messaging';
import { fireOccurrence, scheduledOccurrence } from '../occurrence-firer';

export const BACKFILL_SUBSCRIPTION = 'timer-backfills';
const CONCURRENT_APPENDS = 64;

/**
 * BackfillRequested → TaskDue (reason backfill) for every occurrence in (from, to] that has not fired yet. Runs on
 * a checkpointed subscription that moves past a backfill only once all its occurrences are appended, so a backfill
 * survives restarts; occurrences that already fired (same deterministic id) are refused by the store, not repeated.
 */
@Injectable()
export class BackfillRunnerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Backfill');
  private subscription?: CheckpointedSubscription;
  private readonly actor: string;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SCHED_CONFIG) config: SchedConfig,
    @Optional() private readonly metrics?: SchedMetrics,
  ) {
    this.actor = `timer:${config.instanceId}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.store.subscribeCheckpointed({
      name: BACKFILL_SUBSCRIPTION,
      from: 'start',
      filter: { streamPrefixes: ['task-'], eventTypes: ['BackfillRequested'] },
      handler: (event) => this.run(event),
      onError: (error, event) => this.logger.warn(`backfill at ${event.position} interrupted, resuming: ${String(error)}`),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscription?.close();
  }

  private async run(event: RecordedEvent): Promise<void> {
    const { taskId, from, to } = event.data as BackfillRequested['data'];
    // The definition as it was when the backfill was requested.
    const history = await this.store.read(toTaskStreamId(taskId));
    const state = fold(taskDecider, history.slice(0, event.revision + 1) as unknown as TaskEvent[]);
    if (state.status === 'none') return;
    const toMs = Date.parse(to);
    let cursor = Date.parse(from);
    let fired = 0;
    const schedules = backfillSchedules(state.definition.schedules);
    for (;;) {
      const batch = nextOccurrences(schedules, cursor, CONCURRENT_APPENDS).filter((o) => o.atMs <= toMs);
      if (batch.length === 0) break;
      const outcomes = await Promise.all(
        batch.map((occurrence) =>
          fireOccurrence(
            this.store,
            scheduledOccurrence(taskId, { state, revision: event.revision, lastEventId: event.id }, occurrence.atMs, 'backfill', {
              correlationId: event.metadata.correlationId,
              causationId: event.id,
            }),
            this.actor,
          ),
        ),
      );
      fired += outcomes.filter((outcome) => outcome === 'fired').length;
      cursor = batch[batch.length - 1].atMs;
    }
    this.metrics?.fired('backfill', { count: fired });
    this.logger.log(`backfill of ${taskId} (${from} → ${to}): ${fired} occurrences fired`);
  }
}
