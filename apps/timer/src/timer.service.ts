import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { MISFIRE_THRESHOLD_MS, parseStreamId, upcast, type RecordedEvent, type TaskTriggered } from '@sched/contracts';
import { excludedSearchEnd, nextFiring } from '@sched/domain';
import { within, type EventFilter, type EventStore, type EventSubscription } from '@sched/event-store';
import { EVENT_STORE, NATS_CONNECTION, SCHED_CONFIG, SchedMetrics, type FireKind, type SchedConfig } from '@sched/messaging';
import { catchUpOccurrences, catchUpSteps } from './catch-up';
import { PartitionLeases, partitionOf } from './ha/partition-leases';
import { TriggerCheckpoint } from './ha/trigger-checkpoint';
import { fireOccurrence, scheduledOccurrence, skippedIfPaused, type Occurrence } from './occurrence-firer';
import { ScheduledTasks, isSchedulable, type ScheduledTask } from './scheduled-tasks';
import { TimeSlicer, TimerDriver, systemClock, type Clock, type TimerEntry } from './scheduling';
import { TIMER_CLOCK } from './timer-clock';

const TASK_EVENTS: EventFilter = { streamPrefixes: ['task-'] };
const RETRY_DELAY_MS = 1_000;
const WATERMARK_EVERY_MS = 500;
/**
 * Manual triggers being fired at once, at most: one after the other, each waiting for its append, a timer fired
 * ~1,600–2,500 triggers/s (for every task together: every timer fires every trigger).
 */
const TRIGGER_FIRES_IN_FLIGHT = 256;
/** A stopping timer's last checkpoint save does not wait out a NATS that is gone (the next start re-fires more). */
const FINAL_SAVE_DEADLINE_MS = 2_000;
/**
 * A partition's catch-up gives the event loop a turn at least this often (plus one planning step, CATCH_UP_STEP): a
 * week of a task every second is seconds of planning, which held up the lease renewals (and every fire) of the whole
 * process (3 such tasks: the event loop blocked 12-14 s; in slices of 10 ms, at most 24-34 ms).
 */
const CATCH_UP_SLICE_MS = 10;
/** Events that change when a task fires. */
const RESCHEDULING = new Set(['TaskCreated', 'TaskUpdated', 'TaskPaused', 'TaskResumed', 'TaskDeleted', 'TaskDisabled', 'TaskEnabled']);
/** Events after which a task fires again from now: what fell due before (or while it was disabled) is not missed. */
const ACTIVATING = new Set(['TaskCreated', 'TaskResumed', 'TaskEnabled']);

interface Due {
  readonly taskId: string;
  readonly nominalMs: number;
  /** Occurrences of other nominal instants that jitter lands on the same fire instant (rare: kept apart, no array). */
  readonly alsoNominalMs?: readonly number[];
  /** The instant it fires at (the nominal one plus the schedule's jitter); the entry is due fireAheadMs before. */
  readonly fireAtMs: number;
  /** No fire: the search for the next one stopped here (see excludedSearchEnd) and goes on from here. */
  readonly searchOnly?: true;
}

/**
 * Turns schedules into TaskDue events. Every instance folds every task event; it keeps timer entries (one per task:
 * its next occurrence, in a min-heap behind one platform timer) only for tasks in the partitions it leases. Each
 * occurrence is appended with its deterministic id and expected "no stream", so even two owners of one partition
 * (a lease changing hands) cannot fire it twice. A newly acquired partition is caught up from its watermark by
 * the tasks' misfire policies. Manual triggers (TaskTriggered) become TaskDue the same way, on every instance.
 */
@Injectable()
export class TimerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Timer');
  private readonly tasks: ScheduledTasks;
  /**
   * Partitions whose lease this instance holds (kept here: the first acquisitions happen while leases start), each
   * with the signal its fires carry: aborted when the partition is lost, so a fire waiting out an outage is not
   * recorded once the next owner has taken over (its catch-up, from the watermark, fires or skips those instants by
   * the task's misfire policy: both did, a run and a skip of the same instant).
   */
  private readonly owned = new Map<number, AbortController>();
  /**
   * Fires being appended right now, each with the highest watermark that still makes a next owner fire it again
   * (appends are idempotent by execution id): the watermark stays at or below each until its append is done.
   */
  private readonly inFlight = new Map<object, number>();
  /**
   * Partitions being caught up, with their tasks not caught up yet: the events of those only update their records
   * meanwhile (reschedule leaves them to the catch-up, which reads them when it gets there).
   */
  private readonly catchingUp = new Map<number, Set<string>>();
  private readonly driver: TimerDriver<Due>;
  private readonly actor: string;
  /** See SchedConfig.timerFireAheadMs. */
  private readonly fireAheadMs: number;
  /** Catch-up fires later than this go through the task's misfire policy (TIMER_MISFIRE_THRESHOLD_MS). */
  private readonly misfireThresholdMs: number;
  private leases?: PartitionLeases;
  private triggerCheckpoint?: TriggerCheckpoint;
  /** Trigger fires not recorded yet, by their TaskTriggered's position: the trigger checkpoint stays below them. */
  private readonly triggerFires = new Map<number, Promise<void>>();
  /** The last task event handled in log order (a trigger's fire started); -1 before the first. */
  private handledThrough = -1;
  /** The first trigger whose fire failed other than by the store (never seen): the checkpoint stays below it. */
  private unfiredTrigger = Number.POSITIVE_INFINITY;
  private subscription?: EventSubscription;
  private following?: Promise<void>;
  private watermarkTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(SCHED_CONFIG) private readonly config: SchedConfig,
    @Optional() @Inject(TIMER_CLOCK) private readonly clock: Clock = systemClock,
    @Optional() private readonly metrics?: SchedMetrics,
  ) {
    this.actor = `timer:${config.instanceId}`;
    this.fireAheadMs = config.timerFireAheadMs ?? 0;
    this.misfireThresholdMs = config.timerMisfireThresholdMs ?? MISFIRE_THRESHOLD_MS;
    this.tasks = new ScheduledTasks((taskId) => partitionOf(taskId, config.timerPartitions));
    this.driver = new TimerDriver<Due>(this.clock, (entries) => this.onDue(entries));
    this.metrics?.timerRuns();
  }

  async onApplicationBootstrap(): Promise<void> {
    let last: number | undefined;
    const triggers: RecordedEvent[] = [];
    this.triggerCheckpoint = await TriggerCheckpoint.open(this.nc);
    const triggersFiredThrough = (await this.triggerCheckpoint.load(await this.store.headPosition())) ?? -1;
    for await (const event of this.store.readAll({ filter: TASK_EVENTS })) {
      this.apply(event);
      if (event.type === 'TaskTriggered' && event.position > triggersFiredThrough) triggers.push(event);
      last = event.position;
    }
    this.driver.start();
    this.leases = await PartitionLeases.start(
      this.nc,
      this.config.instanceId,
      { partitions: this.config.timerPartitions, ttlMs: this.config.timerLeaseTtlMs, renewEveryMs: Math.floor(this.config.timerLeaseTtlMs / 4) },
      { acquired: (p, watermark) => this.acquired(p, watermark), lost: (p) => this.lost(p) },
    );
    this.watermarkTimer = setInterval(() => {
      void this.leases?.saveWatermarks(this.watermark()).catch(() => undefined);
      void this.saveTriggerCheckpoint().catch(() => undefined);
    }, WATERMARK_EVERY_MS);
    this.logger.log(`loaded ${this.tasks.size} tasks; partitions ${this.leases.ownedPartitions().join(',') || 'none yet'}`);
    // A trigger after the checkpoint may have lost its TaskDue to a crash: it fires now (if it did not, the store
    // refuses it as already fired). Those before it all had theirs.
    for (const trigger of triggers) await this.startTriggerFire(trigger);
    this.handledThrough = last ?? -1;
    this.subscription = this.store.subscribeAll({ from: last === undefined ? 'start' : { after: last }, filter: TASK_EVENTS });
    this.following = this.follow(this.subscription);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.watermarkTimer);
    const finalWatermark = this.watermark();
    this.driver.stop();
    await this.leases?.stop(finalWatermark);
    await this.subscription?.close();
    await this.following;
    await Promise.all(this.triggerFires.values()); // they end at their next retry once stopped
    await within(this.saveTriggerCheckpoint(), FINAL_SAVE_DEADLINE_MS, () => new Error('trigger checkpoint save timed out')).catch(() => undefined);
  }

  /** Tasks on this instance's timer right now (for tests and diagnostics). */
  scheduledCount(): number {
    return this.driver.size;
  }

  ownedPartitions(): number[] {
    return [...this.owned.keys()].sort((a, b) => a - b);
  }

  /** Everything due up to here was fired: the earliest entry not yet fired (or being appended) bounds it. */
  private watermark(): number {
    let mark = this.clock.now();
    const nextDue = this.driver.nextDueMs;
    if (nextDue !== undefined) mark = Math.min(mark, nextDue - 1);
    for (const highest of this.inFlight.values()) mark = Math.min(mark, highest);
    return mark;
  }

  private acquired(partition: number, watermarkMs: number | undefined): void {
    this.owned.get(partition)?.abort();
    const owner = new AbortController();
    this.owned.set(partition, owner);
    // The partition's watermark says what its previous owner (maybe this instance) recorded: from there, each task's
    // transitions since (made while no timer ran) are played back (catch-up.ts).
    const sinceMs = watermarkMs ?? this.clock.now();
    this.catchUpPartition(partition, owner.signal, sinceMs).catch((error: unknown) => this.logger.error(`catch-up of partition ${partition} failed: ${String(error)}`));
  }

  /**
   * Catches every task of a partition up from `sinceMs`, a slice of CATCH_UP_SLICE_MS at a time. Until it is done,
   * the watermark stays at `sinceMs` (should this instance die meanwhile, the next owner catches up the rest).
   */
  private async catchUpPartition(partition: number, signal: AbortSignal, sinceMs: number): Promise<void> {
    const pending = new Set<string>();
    // Disabled now, a task may still have been enabled for a while since the watermark: that part is caught up too.
    for (const [taskId, task] of this.tasks.inPartition(partition)) if (isSchedulable(task, { disabledToo: true })) pending.add(taskId);
    this.catchingUp.set(partition, pending);
    const hold = {};
    this.inFlight.set(hold, sinceMs);
    const slicer = new TimeSlicer(CATCH_UP_SLICE_MS);
    const cancelled = () => signal.aborted || this.stopped;
    try {
      for (const taskId of pending) {
        const task = this.tasks.get(taskId);
        const caughtUp = isSchedulable(task, { disabledToo: true }) ? await slicer.run(catchUpSteps(taskId, task, sinceMs, this.clock.now(), this.misfireThresholdMs), cancelled) : undefined;
        if (cancelled()) return;
        // Deleted while it was planned (the plan takes turns): nothing of it fires any more.
        const occurrences = isSchedulable(task, { disabledToo: true }) ? (caughtUp?.occurrences ?? []) : [];
        for (const occurrence of occurrences) {
          this.fireHeld(occurrence, sinceMs);
          // Starting an append takes a while too (fire-all: up to a thousand of them).
          if (!(await slicer.turnIfDue(cancelled))) return;
        }
        pending.delete(taskId);
        if (task && caughtUp) this.firingFrom(taskId, task, caughtUp.normalFromMs);
        if (!(await slicer.turnIfDue(cancelled))) return;
      }
    } finally {
      if (this.catchingUp.get(partition) === pending) this.catchingUp.delete(partition);
      this.inFlight.delete(hold);
    }
  }

  /**
   * Fires what fell due in (sinceMs, now] by the task's misfire policy (late fires, one coalesced fire, a recorded
   * skip) where it is over the misfire threshold late, and schedules the rest as usual. At once: a timer woken late
   * has (firedThrough, now] to catch up, a stall, not a partition's outage.
   */
  private catchUp(taskId: string, task: ScheduledTask, sinceMs: number): void {
    const { occurrences, normalFromMs } = catchUpOccurrences(taskId, task, sinceMs, this.clock.now(), this.misfireThresholdMs);
    // Held at `sinceMs`: should this instance die before they are in, the next owner catches them up again.
    for (const occurrence of occurrences) this.fireHeld(occurrence, sinceMs);
    this.firingFrom(taskId, task, normalFromMs);
  }

  /** Caught up through `normalFromMs`: the task fires on from there as usual. */
  private firingFrom(taskId: string, task: ScheduledTask, normalFromMs: number): void {
    task.firedThrough = normalFromMs;
    this.reschedule(taskId);
  }

  private lost(partition: number): void {
    this.owned.get(partition)?.abort();
    this.owned.delete(partition);
    for (const [taskId] of this.tasks.inPartition(partition)) this.driver.cancel(taskId);
  }

  private async follow(subscription: EventSubscription): Promise<void> {
    for await (const event of subscription) {
      const taskId = this.apply(event);
      if (taskId === undefined) continue;
      if (RESCHEDULING.has(event.type)) this.reschedule(taskId);
      if (event.type === 'TaskTriggered') await this.startTriggerFire(event);
      this.handledThrough = event.position;
    }
  }

  /**
   * Fires a trigger without waiting for its append (up to TRIGGER_FIRES_IN_FLIGHT at once): their executions are
   * independent. It stays in triggerFires until recorded; one given up because we stop stays for good, so the
   * checkpoint never passes it and the next start fires it.
   */
  private async startTriggerFire(event: RecordedEvent): Promise<void> {
    while (this.triggerFires.size >= TRIGGER_FIRES_IN_FLIGHT && !this.stopped) await Promise.race(this.triggerFires.values());
    const fire = this.fireTrigger(event).then(
      () => {
        if (!this.stopped) this.triggerFires.delete(event.position);
      },
      (error: unknown) => {
        // Not a store error (fire retries those): the checkpoint stays below it for good, the next start tries again.
        this.logger.error(`trigger ${event.id} at ${event.position} not fired: ${String(error)}`);
        this.unfiredTrigger = Math.min(this.unfiredTrigger, event.position);
        this.triggerFires.delete(event.position);
      },
    );
    this.triggerFires.set(event.position, fire);
  }

  /** Every trigger up to the last handled event is recorded, but for those still being fired. */
  private async saveTriggerCheckpoint(): Promise<void> {
    let firedThrough = Math.min(this.handledThrough, this.unfiredTrigger - 1);
    for (const position of this.triggerFires.keys()) firedThrough = Math.min(firedThrough, position - 1);
    if (firedThrough >= 0) this.triggerCheckpoint?.advance(firedThrough);
    await this.triggerCheckpoint?.save();
  }

  private apply(event: RecordedEvent): string | undefined {
    const stream = parseStreamId(event.streamId);
    if (stream?.category !== 'task') return undefined;
    const taskId = stream.id;
    const task = this.tasks.apply(taskId, event);
    if (task && ACTIVATING.has(event.type)) {
      // A task that (re)becomes active starts from the instant it did (the same anchor maxFires counts from, and the
      // same on every timer): what fell due before is not missed; what fell due since, while this event was on its
      // way, is fired now.
      task.firedThrough = Date.parse(event.metadata.occurredAt);
    }
    return taskId;
  }

  private reschedule(taskId: string): void {
    const task = this.tasks.get(taskId);
    if (task && this.catchingUp.get(task.partition)?.has(taskId)) return; // its partition's catch-up schedules it
    if (!isSchedulable(task) || !this.owned.has(task.partition)) {
      this.driver.cancel(taskId);
      return;
    }
    const after = task.firedThrough ?? this.clock.now();
    const next = nextFiring(taskId, task.state.definition.schedules, task.schedulesSetAt, after);
    if (!next) {
      // None found is not "ended" when a search gave up in a long excluded stretch: look again from where it got to.
      const searchOnMs = excludedSearchEnd(task.state.definition.schedules, after);
      if (searchOnMs === undefined) this.driver.cancel(taskId);
      else this.driver.schedule(taskId, searchOnMs, { taskId, nominalMs: searchOnMs, fireAtMs: searchOnMs, searchOnly: true });
      return;
    }
    const [first, ...others] = next.occurrences.map((occurrence) => occurrence.atMs);
    const { fireAtMs } = next;
    this.driver.schedule(taskId, fireAtMs - this.fireAheadMs, { taskId, nominalMs: first, fireAtMs, ...(others.length > 0 ? { alsoNominalMs: others } : {}) });
  }

  private onDue(entries: TimerEntry<Due, string>[]): void {
    for (const { value, dueMs } of entries) {
      const task = this.tasks.get(value.taskId);
      if (!isSchedulable(task)) continue;
      if (!value.searchOnly && this.clock.now() - value.fireAtMs > this.misfireThresholdMs) {
        // Woken this late (the process was stopped or starved, the clock jumped): what it slept through is a misfire
        // like a timer's outage, so it goes through the task's policy rather than firing one by one, each late.
        this.catchUp(value.taskId, task, task.firedThrough ?? value.fireAtMs - 1);
        continue;
      }
      // Progress is a fire instant: everything firing up to here is handled (see firingsFrom).
      task.firedThrough = value.fireAtMs;
      this.reschedule(value.taskId);
      if (value.searchOnly) continue; // nothing fires up to here: only the search goes on
      for (const nominalMs of value.alsoNominalMs ? [value.nominalMs, ...value.alsoNominalMs] : [value.nominalMs]) {
        const scheduled = scheduledOccurrence(value.taskId, task, nominalMs);
        // Recorded ahead of its instant (or a wake that came late): the executors start it at the instant, not before.
        const early = value.fireAtMs > this.clock.now() ? { ...scheduled, notBeforeMs: value.fireAtMs } : scheduled;
        const occurrence = skippedIfPaused(task, early, value.fireAtMs);
        // Lateness against the instant it fires at, not the wake: a fire recorded ahead of it counts as on time.
        this.fireHeld(occurrence, dueMs - 1, value.fireAtMs);
      }
    }
  }

  private async fireTrigger(event: RecordedEvent): Promise<void> {
    const { taskId, executionId, config } = (upcast(event) as unknown as TaskTriggered & RecordedEvent).data;
    const task = this.tasks.get(taskId);
    if (!task || task.state.status === 'deleted') return;
    // The task as of the trigger: its record changes with the events after it while this fire may be retried.
    const { status, definition, triggeredExecutionIds } = task.state;
    await this.fire({
      taskId,
      executionId,
      task: { status, taskId, definition, triggeredExecutionIds },
      ...(config === undefined ? {} : { config }),
      taskRevision: event.revision,
      scheduledAtMs: Date.parse(event.metadata.occurredAt),
      reason: 'trigger',
      cause: { correlationId: event.metadata.correlationId, causationId: event.id },
    });
  }

  /** Fires the occurrence, keeping the watermark at or below `watermarkAtMostMs` until it is appended (or we stop). */
  private fireHeld(occurrence: Occurrence, watermarkAtMostMs: number, dueMs?: number): void {
    const hold = {};
    this.inFlight.set(hold, watermarkAtMostMs);
    void this.fire(occurrence, dueMs).finally(() => this.inFlight.delete(hold));
  }

  /**
   * Appends the occurrence; if the store fails, tries again every second until it is recorded or we stop.
   * `dueMs`: the instant an on-time fire was due, for the lateness metric.
   */
  private async fire(occurrence: Occurrence, dueMs?: number): Promise<void> {
    // A trigger is every timer's to fire; a scheduled occurrence is its partition owner's (see `owned`).
    const signal = occurrence.reason === 'trigger' ? undefined : this.owned.get(partitionOf(occurrence.taskId, this.config.timerPartitions))?.signal;
    for (let attempt = occurrence; !this.stopped && !signal?.aborted; ) {
      try {
        if ((await fireOccurrence(this.store, attempt, this.actor, signal)) === 'fired') {
          this.metrics?.fired(fireKind(attempt), { latenessMs: dueMs === undefined ? undefined : this.clock.now() - dueMs });
        }
        return;
      } catch (error) {
        if (signal?.aborted) break;
        this.logger.warn(`could not fire ${occurrence.executionId}, retrying: ${String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
        // Past its instant now: recorded as due, no longer "ahead of it".
        if (attempt.notBeforeMs !== undefined && attempt.notBeforeMs <= this.clock.now()) attempt = { ...attempt, notBeforeMs: undefined };
      }
    }
    if (signal?.aborted) this.logger.log(`gave up firing ${occurrence.executionId}: its partition moved to another timer, which catches it up`);
  }
}

function fireKind(occurrence: Occurrence): FireKind {
  if (occurrence.reason !== 'schedule') return occurrence.reason;
  return occurrence.late ? 'catch-up' : 'schedule';
}
