import type { RecordedEvent, TaskEvent } from '@sched/contracts';
import { evolveTask, initialTaskState, type KnownTaskState, type TaskState } from '@sched/domain';

export interface ScheduledTask {
  readonly state: TaskState;
  /** Revision of the task stream's last event, recorded on each TaskDue as the definition's version. */
  readonly revision: number;
  /** Id of the task stream's last event: the cause of the occurrences it schedules. */
  readonly lastEventId: string;
}

/** The timer's view of every task: folded from task events with the domain's own evolve. */
export class ScheduledTasks {
  private readonly tasks = new Map<string, ScheduledTask>();

  apply(taskId: string, event: RecordedEvent): ScheduledTask {
    const previous = this.tasks.get(taskId)?.state ?? initialTaskState();
    const next: ScheduledTask = {
      state: evolveTask(previous, event as unknown as TaskEvent),
      revision: event.revision,
      lastEventId: event.id,
    };
    this.tasks.set(taskId, next);
    return next;
  }

  get(taskId: string): ScheduledTask | undefined {
    return this.tasks.get(taskId);
  }

  get size(): number {
    return this.tasks.size;
  }

  *entries(): IterableIterator<[string, ScheduledTask]> {
    yield* this.tasks.entries();
  }
}

/** Only an active task with schedules is on the timer. */
export const isSchedulable = (task: ScheduledTask | undefined): task is ScheduledTask & { state: KnownTaskState } =>
  task?.state.status === 'active' && task.state.definition.schedules.length > 0;
