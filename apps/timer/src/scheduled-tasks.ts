import type { RecordedEvent, TaskDefinition, TaskEvent } from '@sched/contracts';
import {
  earliestSetInstant,
  evolveScheduleSetting,
  evolveTask,
  initialTaskState,
  type KnownTaskState,
  type ScheduleSetInstants,
  type TaskState,
} from '@sched/domain';
import { ActivityTimeline, type Standing } from './activity-timeline';

/**
 * One record per task, all the timer keeps: a million tasks must fit in well under 1 GB, so the record is itself
 * the task's (slimmed) domain state, plus what the timer tracks, in one object.
 */
export class ScheduledTask implements KnownTaskState {
  /**
   * The last fire instant handled (fired, or the instant it became active): the next fire comes after it. A fire
   * instant, not a nominal one, so a jittered occurrence firing after it is never lost (fire-order.ts).
   */
  firedThrough?: number;
  /** TaskDisabled without a TaskEnabled since: off the timer. */
  disabled?: boolean;
  /** When the schedules were set (created, or updated: per schedule once an update kept some): maxFires counts from here. */
  schedulesSetAt: ScheduleSetInstants = 0;
  /** Created disabled, never enabled since: its schedules are set when it is first enabled (evolveScheduleSetting). */
  setOnEnable?: boolean;
  /** The end of a pause that lapses by itself (TaskPaused.until). */
  pausedUntilMs?: number;
  /**
   * Its pauses, resumes, disables and enables (from its first one on): a timer catching its partition up after an
   * outage replays the ones made while no timer ran (catch-up.ts).
   */
  timeline?: ActivityTimeline;

  constructor(
    public status: KnownTaskState['status'],
    readonly taskId: string,
    public definition: TaskDefinition,
    /** Revision of the task stream's last event, recorded on each TaskDue as the definition's version. */
    public revision: number,
    /** Id of the task stream's last event: the cause of the occurrences it schedules. */
    public lastEventId: string,
    readonly partition: number,
  ) {}

  /** The timer never needs manual trigger ids (it fires triggers from their events). */
  get triggeredExecutionIds(): ReadonlySet<string> {
    return NO_TRIGGERS;
  }

  get pauseNote(): string | undefined {
    return undefined;
  }

  get state(): KnownTaskState {
    return this;
  }
}

/** Events that change whether a task's occurrences fire, are recorded as paused skips, or neither. */
const TRANSITIONS = new Set(['TaskPaused', 'TaskResumed', 'TaskDisabled', 'TaskEnabled']);
const NO_TAGS: readonly string[] = Object.freeze([]);
const NO_CONFIG: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;
const NO_TRIGGERS: ReadonlySet<string> = new Set();

/**
 * The timer fires from the definition's schedules, executor, config and policies; the name, description and tags
 * are for other readers, so they are not kept in memory here.
 */
function forFiring(definition: TaskDefinition): TaskDefinition {
  const config = Object.keys(definition.config).length === 0 ? NO_CONFIG : definition.config;
  return { ...definition, name: '', description: '', tags: NO_TAGS as string[], config };
}

/** The timer's view of every task: folded from task events with the domain's own evolve. */
export class ScheduledTasks {
  private readonly tasks = new Map<string, ScheduledTask>();

  constructor(private readonly partitionOf: (taskId: string) => number = () => 0) {}

  apply(taskId: string, event: RecordedEvent): ScheduledTask | undefined {
    const current = this.tasks.get(taskId);
    const next: TaskState = evolveTask(current ?? initialTaskState(), event as unknown as TaskEvent);
    if (next.status === 'none') return undefined;
    if (!current) {
      const created = new ScheduledTask(next.status, taskId, forFiring(next.definition), event.revision, event.id, this.partitionOf(taskId));
      created.schedulesSetAt = Date.parse(event.metadata.occurredAt);
      created.disabled = next.disabled;
      this.tasks.set(taskId, created);
      return created;
    }
    const atMs = Date.parse(event.metadata.occurredAt);
    const before = { set: current.schedulesSetAt, onEnable: current.setOnEnable };
    const setting = evolveScheduleSetting(before, current.definition.schedules, event, atMs)!;
    if (setting !== before) {
      current.schedulesSetAt = setting.set;
      current.setOnEnable = setting.onEnable;
    }
    if (event.type === 'TaskUpdated' && setting !== before) {
      // New schedules start at the instant they were set, as a new task's do: an occurrence of theirs before it was
      // never due (without this, an hourly task changed to every minute fired every minute since its last fire at once).
      // Schedules the update kept go on from where they were (their set instants, the fire order, keep the new ones out).
      current.firedThrough = Math.max(current.firedThrough ?? Number.NEGATIVE_INFINITY, earliestSetInstant(current.schedulesSetAt));
    }
    if (next !== current) {
      current.status = next.status;
      current.disabled = next.disabled;
      current.pausedUntilMs = next.pausedUntilMs;
      if (next.definition !== current.definition) current.definition = forFiring(next.definition);
    }
    if (TRANSITIONS.has(event.type)) (current.timeline ??= new ActivityTimeline()).record(atMs, standingOf(current));
    current.revision = event.revision;
    current.lastEventId = event.id;
    return current;
  }

  get(taskId: string): ScheduledTask | undefined {
    return this.tasks.get(taskId);
  }

  get size(): number {
    return this.tasks.size;
  }

  /** The tasks of one partition (a scan: partitions change hands rarely, a per-partition index costs memory always). */
  *inPartition(partition: number): IterableIterator<[string, ScheduledTask]> {
    for (const entry of this.tasks) if (entry[1].partition === partition) yield entry;
  }
}

/**
 * An enabled task with schedules is on the timer, active or paused (a paused one has its fires recorded as skipped);
 * a disabled or deleted one is not.
 */
export const isSchedulable = (task: ScheduledTask | undefined, { disabledToo = false } = {}): task is ScheduledTask =>
  (task?.state.status === 'active' || task?.state.status === 'paused') && (disabledToo || !task.disabled) && task.state.definition.schedules.length > 0;

/** How the task stands now (what its latest transition left). */
export const standingOf = (task: ScheduledTask): Standing => ({
  disabled: task.disabled === true,
  paused: task.status === 'paused',
  ...(task.pausedUntilMs === undefined ? {} : { pausedUntilMs: task.pausedUntilMs }),
});
