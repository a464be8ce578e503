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
  type TaskEvent,
  type TaskUpdated,
} from '@sched/contracts';
import { fold, isPausedAt, nextFirings, taskDecider } from '@sched/domain';
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
    let schedulesSetAt = afterMs;
    const taskId = query.taskId ?? 'preview';
    if (query.taskId) {
      const history = await this.store.read(toTaskStreamId(query.taskId));
      const state = fold(taskDecider, history as unknown as TaskEvent[]);
      // maxFires counts from when the schedules were last set, exactly as the timer does.
      const setting = history.filter((e) => e.type === 'TaskCreated' || (e.type === 'TaskUpdated' && (e.data as TaskUpdated['data']).changes.schedules));
      schedulesSetAt = Date.parse(setting[setting.length - 1]?.metadata.occurredAt ?? new Date(afterMs).toISOString());
      if (state.status === 'none') throw notFound('Task', query.taskId);
      if (state.status === 'deleted') throw deletedNotFound('Task', query.taskId);
      schedules = state.definition.schedules;
      // A paused task's fires are recorded as skipped, a disabled one's not at all: neither runs. A pause that ends
      // by itself (until) is over once its end has come.
      active = !isPausedAt(state, Date.now()) && !state.disabled;
    }
    // In the order they fire (with jitter, not always their nominal order), as the timer arms them.
    const fires = nextFirings(taskId, schedules, schedulesSetAt, afterMs, query.count).map(({ occurrence, fireAtMs }) => ({
      at: new Date(occurrence.atMs).toISOString(),
      fireAt: new Date(fireAtMs).toISOString(),
    }));
    return { ...(query.taskId ? { taskId: query.taskId } : {}), active, fires };
  }
}
