import type { ScheduleSpec, TaskDefinition, TaskEvent } from '@sched/contracts';
import { specFor } from '../testing/given-when-then';
import { taskDecider } from './task.decider';

const given = specFor(taskDecider);
const taskId = 't1';
const nowMs = Date.parse('2026-01-01T00:00:00Z');
const definition: TaskDefinition = { name: 'report', description: '', executor: 'noop', config: {}, schedules: [], tags: [] };
const created: TaskEvent = { type: 'TaskCreated', data: { taskId, definition } };
const cron = (timezone: string): ScheduleSpec => ({ type: 'cron', expression: '0 9 * * *', timezone });

describe('task decider: VALIDATION messages start with the command, as parsePayload\'s do', () => {
  it('task.create: a schedule on a manual task; a schedule that can never fire', () => {
    given().when({ type: 'CreateTask', data: { taskId, nowMs, definition: { ...definition, executor: 'manual', schedules: [cron('UTC')] } } })
      .thenThrows('VALIDATION', /^task\.create: a manual task cannot have a schedule/);
    given().when({ type: 'CreateTask', data: { taskId, nowMs, definition: { ...definition, schedules: [{ type: 'once', at: '2025-01-01T00:00:00.000Z' }] } } })
      .thenThrows('VALIDATION', /^task\.create: schedules\.0\.at: 2025-01-01T00:00:00\.000Z has passed/);
  });

  it('task.update: the same rules, named for the update', () => {
    given(created).when({ type: 'UpdateTask', data: { taskId, nowMs, changes: { executor: 'manual', schedules: [cron('UTC')] } } })
      .thenThrows('VALIDATION', /^task\.update: a manual task cannot have a schedule/);
    given(created).when({ type: 'UpdateTask', data: { taskId, nowMs, changes: { schedules: [{ type: 'once', at: '2025-01-01T00:00:00.000Z' }] } } })
      .thenThrows('VALIDATION', /^task\.update: schedules\.0\.at: /);
  });

  it('task.pause: an end that has passed', () =>
    given(created).when({ type: 'PauseTask', data: { taskId, untilMs: nowMs, nowMs } }).thenThrows('VALIDATION', /^task\.pause: until: .* has passed/));

  it('task.backfill: each refusal names its field after the command', () => {
    const backfill = (fromMs: number, toMs: number) => ({ type: 'BackfillTask' as const, data: { taskId, backfillId: 'b1', fromMs, toMs, nowMs } });
    const everySecond: TaskEvent = { type: 'TaskCreated', data: { taskId, definition: { ...definition, schedules: [{ type: 'interval', everyMs: 1_000, offsetMs: 0 }] } } };
    given(everySecond).when(backfill(nowMs - 10_000, nowMs + 10_000)).thenThrows('VALIDATION', /^task\.backfill: to: a backfill cannot reach into the future$/);
    given(everySecond).when(backfill(nowMs - 900, nowMs - 100)).thenThrows('VALIDATION', /^task\.backfill: from: the task has no occurrence in that range$/);
  });
});
