import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  Subjects,
  nextFiresQuerySchema,
  deletedNotFound,
  notFound,
  parsePayload,
  toTaskStreamId,
  type NextFiresResult,
  type ScheduleSpec,
  type RecordedEvent,
  type TaskCreated,
  type TaskEvent,
  type TaskUpdated,
} from '@sched/contracts';
import { assertCountableAfter, assertSchedulesCanFire, evolveScheduleSetting, fold, isPausedAt, nextFirings, taskDecider, type ScheduleSetInstants, type ScheduleSetting, type TaskState } from '@sched/domain';
import type { EventStore } from '@sched/event-store';
import { EVENT_STORE } from '@sched/messaging';

/** `sched.query.task.next-fires`, answered from the task's own stream with the timer's own functions. */
@Controller()
export class NextFiresController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @MessagePattern(Subjects.query.taskNextFires)
  async nextFires(@Payload() payload: unknown): Promise<NextFiresResult> {
    const query = parsePayload(nextFiresQuerySchema, payload, 'task.next-fires');
    const afterMs = query.after ? Date.parse(query.after) : Date.now();
    let schedules: readonly ScheduleSpec[] = query.schedules ?? [];
    let active = true;
    let task: TaskState | undefined;
    let schedulesSetAt: ScheduleSetInstants = afterMs;
    const taskId = query.taskId ?? 'preview';
    if (query.taskId) {
      const history = await this.store.read(toTaskStreamId(query.taskId));
      const state = fold(taskDecider, history as unknown as TaskEvent[]);
      schedulesSetAt = scheduleSetInstantsOf(history) ?? afterMs;
      if (state.status === 'none') throw notFound('Task', query.taskId);
      if (state.status === 'deleted') throw deletedNotFound('Task', query.taskId);
      schedules = state.definition.schedules;
      // A preview counts no fires (its schedules are set at `after`); a task's maxFires counts them up to `after`.
      assertCountableAfter(schedules, afterMs, Date.now());
      // A paused task's fires are recorded as skipped, a disabled one's not at all: neither runs. A pause that ends
      // by itself (until) is over once its end has come.
      active = !isPausedAt(state, Date.now()) && !state.disabled;
      task = state;
    } else if (query.after === undefined) {
      // A preview from now answers what a create with these schedules would: one that can never fire is refused
      // with the reason, not answered with an empty list the create then refuses.
      assertSchedulesCanFire('task.next-fires', schedules, afterMs);
    }
    // In the order they fire (with jitter, not always their nominal order), as the timer arms them.
    const fires = nextFirings(taskId, schedules, schedulesSetAt, afterMs, query.count).map(({ occurrence, fireAtMs }) => ({
      at: new Date(occurrence.atMs).toISOString(),
      fireAt: new Date(fireAtMs).toISOString(),
      // The timer records a fire due and skipped while the task is paused at its fire instant (skippedIfPaused).
      ...(task && isPausedAt(task, fireAtMs) ? { skipped: 'paused' as const } : {}),
    }));
    return { ...(query.taskId ? { taskId: query.taskId } : {}), active, fires };
  }
}

/** When each schedule of a task was set, folded from its stream as the timer folds it (maxFires counts from there). */
function scheduleSetInstantsOf(history: readonly RecordedEvent[]): ScheduleSetInstants | undefined {
  let setting: ScheduleSetting | undefined;
  let schedules: readonly ScheduleSpec[] = [];
  for (const event of history) {
    setting = evolveScheduleSetting(setting, schedules, event, Date.parse(event.metadata.occurredAt));
    if (event.type === 'TaskCreated') schedules = (event.data as TaskCreated['data']).definition.schedules;
    else if (event.type === 'TaskUpdated') schedules = (event.data as TaskUpdated['data']).changes.schedules ?? schedules;
  }
  return setting?.set;
}
