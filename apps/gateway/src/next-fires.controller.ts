import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  Subjects,
  nextFiresQuerySchema,
  notFound,
  parsePayload,
  toTaskStreamId,
  type NextFiresResult,
  type ScheduleSpec,
  type TaskEvent,
} from '@sched/contracts';
import { fireInstant, fold, nextOccurrences, taskDecider } from '@sched/domain';
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
    const taskId = query.taskId ?? 'preview';
    if (query.taskId) {
      const state = fold(taskDecider, (await this.store.read(toTaskStreamId(query.taskId))) as unknown as TaskEvent[]);
      if (state.status === 'none' || state.status === 'deleted') throw notFound('Task', query.taskId);
      schedules = state.definition.schedules;
      active = state.status === 'active';
    }
    const fires = nextOccurrences(schedules, afterMs, query.count).map((occurrence) => ({
      at: new Date(occurrence.atMs).toISOString(),
      fireAt: new Date(fireInstant(taskId, occurrence, occurrence.atMs)).toISOString(),
    }));
    return { ...(query.taskId ? { taskId: query.taskId } : {}), active, fires };
  }
}
