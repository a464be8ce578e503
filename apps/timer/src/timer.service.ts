import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { parseStreamId, scheduledExecutionId, type RecordedEvent, type TaskTriggered } from '@sched/contracts';
import { fireInstant, nextOccurrences } from '@sched/domain';
import type { EventFilter, EventStore, EventSubscription } from '@sched/event-store';
import { EVENT_STORE, SCHED_CONFIG, type SchedConfig } from '@sched/messaging';
import { fireOccurrence, type Occurrence } from './occurrence-firer';
import { ScheduledTasks, isSchedulable } from './scheduled-tasks';
import { TimerDriver, systemClock, type Clock, type TimerEntry } from './scheduling';

export const TIMER_CLOCK = Symbol('TIMER_CLOCK');
const TASK_EVENTS: EventFilter = { streamPrefixes: ['task-'] };
const RETRY_DELAY_MS = 1_000;
/** Events that change when a task fires. */
const RESCHEDULING = new Set(['TaskCreated', 'TaskUpdated', 'TaskPaused', 'TaskResumed', 'TaskDeleted']);

interface Due {
  readonly taskId: string;
  readonly nominalMs: number;
}

/**
 * Turns schedules into TaskDue events. Folds every task event into memory, keeps ONE timer entry per active task
 * (its next occurrence) in a min-heap driven by one platform timer, and appends each occurrence with its
 * deterministic id and expected "no stream". Manual triggers (TaskTriggered) become TaskDue the same way.
 */
@Injectable()
export class TimerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Timer');
  private readonly tasks = new ScheduledTasks();
  /** Per task, the last nominal instant fired (or the instant it became active): the next one comes after it. */
  private readonly firedThrough = new Map<string, number>();
  private readonly driver: TimerDriver<Due>;
  private readonly actor: string;
  private subscription?: EventSubscription;
  private following?: Promise<void>;
  private stopped = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SCHED_CONFIG) config: SchedConfig,
    @Optional() @Inject(TIMER_CLOCK) private readonly clock: Clock = systemClock,
  ) {
    this.actor = `timer:${config.instanceId}`;
    this.driver = new TimerDriver<Due>(this.clock, (entries) => this.onDue(entries));
  }

  async onApplicationBootstrap(): Promise<void> {
    let last: number | undefined;
    const triggers: RecordedEvent[] = [];
    for await (const event of this.store.readAll({ filter: TASK_EVENTS })) {
      this.apply(event);
      if (event.type === 'TaskTriggered') triggers.push(event);
      last = event.position;
    }
    for (const [taskId] of this.tasks.entries()) this.reschedule(taskId);
    this.driver.start();
    this.logger.log(`loaded ${this.tasks.size} tasks, ${this.driver.size} scheduled`);
    // A trigger whose TaskDue was not appended before a crash fires now; the others are refused as already fired.
    for (const trigger of triggers) await this.fireTrigger(trigger);
    this.subscription = this.store.subscribeAll({ from: last === undefined ? 'start' : { after: last }, filter: TASK_EVENTS });
    this.following = this.follow(this.subscription);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.driver.stop();
    await this.subscription?.close();
    await this.following;
  }

  /** Occurrences scheduled right now (for tests and diagnostics). */
  scheduledCount(): number {
    return this.driver.size;
  }

  private async follow(subscription: EventSubscription): Promise<void> {
    for await (const event of subscription) {
      const taskId = this.apply(event);
      if (taskId === undefined) continue;
      if (RESCHEDULING.has(event.type)) this.reschedule(taskId);
      if (event.type === 'TaskTriggered') await this.fireTrigger(event);
    }
  }

  private apply(event: RecordedEvent): string | undefined {
    const stream = parseStreamId(event.streamId);
    if (stream?.category !== 'task') return undefined;
    this.tasks.apply(stream.id, event);
    // A task that (re)becomes active starts from now: what fell due while it was paused or unknown is not fired.
    if (event.type === 'TaskCreated' || event.type === 'TaskResumed') this.firedThrough.set(stream.id, this.clock.now());
    return stream.id;
  }

  private reschedule(taskId: string): void {
    const task = this.tasks.get(taskId);
    if (!isSchedulable(task)) {
      this.driver.cancel(taskId);
      return;
    }
    const after = this.firedThrough.get(taskId) ?? this.clock.now();
    const [next] = nextOccurrences(task.state.definition.schedules, after, 1);
    if (!next) {
      this.driver.cancel(taskId);
      return;
    }
    this.driver.schedule(taskId, fireInstant(taskId, next, next.atMs), { taskId, nominalMs: next.atMs });
  }

  private onDue(entries: TimerEntry<Due, string>[]): void {
    for (const { value } of entries) {
      const task = this.tasks.get(value.taskId);
      if (!isSchedulable(task)) continue;
      const occurrence: Occurrence = {
        taskId: value.taskId,
        executionId: scheduledExecutionId(value.taskId, value.nominalMs),
        task: task.state,
        taskRevision: task.revision,
        scheduledAtMs: value.nominalMs,
        reason: 'schedule',
        cause: { correlationId: scheduledExecutionId(value.taskId, value.nominalMs), causationId: task.lastEventId },
      };
      this.firedThrough.set(value.taskId, value.nominalMs);
      this.reschedule(value.taskId);
      void this.fire(occurrence);
    }
  }

  private async fireTrigger(event: RecordedEvent): Promise<void> {
    const { taskId, executionId } = (event as unknown as TaskTriggered & RecordedEvent).data;
    const task = this.tasks.get(taskId);
    if (!task || task.state.status === 'none' || task.state.status === 'deleted') return;
    await this.fire({
      taskId,
      executionId,
      task: task.state,
      taskRevision: event.revision,
      scheduledAtMs: Date.parse(event.metadata.occurredAt),
      reason: 'trigger',
      cause: { correlationId: event.metadata.correlationId, causationId: event.id },
    });
  }

  /** Appends the occurrence; if the store fails, tries again every second until it is recorded or we stop. */
  private async fire(occurrence: Occurrence): Promise<void> {
    while (!this.stopped) {
      try {
        await fireOccurrence(this.store, occurrence, this.actor);
        return;
      } catch (error) {
        this.logger.warn(`could not fire ${occurrence.executionId}, retrying: ${String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
      }
    }
  }
}
