import type { ScheduleSpec, TaskDefinition, TaskEvent } from '@sched/contracts';
import { specFor } from '../testing/given-when-then';
import { taskDecider } from './task.decider';

const given = specFor(taskDecider);
const taskId = 't1';
const nowMs = Date.parse('2026-01-01T00:00:00Z');
const definition: TaskDefinition = { name: 'report', description: '', executor: 'noop', config: {}, schedules: [], tags: [] };
const created: TaskEvent = { type: 'TaskCreated', data: { taskId, definition } };
const cron = (timezone: string): ScheduleSpec => ({ type: 'cron', expression: '0 9 * * *', timezone });
const withZones = (timezone: string): ScheduleSpec[] => [
  { ...cron(timezone), exclude: [{ type: 'dates', dates: ['2026-12-25'], timezone }, { type: 'window', from: '2026-06-01T00:00:00.000Z', to: '2026-06-02T00:00:00.000Z' }] },
];

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

describe('task decider: time zones are recorded by their canonical IANA name', () => {
  it('a create records "europe/berlin" as "Europe/Berlin" and "utc" as "UTC", on the schedule and its exclusions', () => {
    given().when({ type: 'CreateTask', data: { taskId, nowMs, definition: { ...definition, schedules: withZones('europe/berlin') } } })
      .then({ type: 'TaskCreated', data: { taskId, definition: { ...definition, schedules: withZones('Europe/Berlin') } } });
    given().when({ type: 'CreateTask', data: { taskId, nowMs, definition: { ...definition, schedules: [cron('utc')] } } })
      .then({ type: 'TaskCreated', data: { taskId, definition: { ...definition, schedules: [cron('UTC')] } } });
  });

  it('an update records the canonical name; the same schedule spelled otherwise is no change', () => {
    given(created).when({ type: 'UpdateTask', data: { taskId, nowMs, changes: { schedules: withZones('EUROPE/BERLIN') } } })
      .then({ type: 'TaskUpdated', data: { taskId, changes: { schedules: withZones('Europe/Berlin') } } });
    const berlin: TaskEvent = { type: 'TaskUpdated', data: { taskId, changes: { schedules: withZones('Europe/Berlin') } } };
    given(created, berlin).when({ type: 'UpdateTask', data: { taskId, nowMs, changes: { schedules: withZones('europe/berlin') } } }).thenNothingHappened();
  });

  it('a task stored with a zone as typed keeps it until a command sets its schedules again', () => {
    const typed: TaskEvent = { type: 'TaskCreated', data: { taskId, definition: { ...definition, schedules: [cron('europe/berlin')] } } };
    given(typed).when({ type: 'UpdateTask', data: { taskId, nowMs, changes: { description: 'new' } } })
      .then({ type: 'TaskUpdated', data: { taskId, changes: { description: 'new' } } });
    given(typed).when({ type: 'UpdateTask', data: { taskId, nowMs, changes: { schedules: [cron('europe/berlin')] } } })
      .then({ type: 'TaskUpdated', data: { taskId, changes: { schedules: [cron('Europe/Berlin')] } } });
  });
});
