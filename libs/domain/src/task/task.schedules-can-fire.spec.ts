import type { ScheduleSpec, TaskDefinition, TaskEvent } from '@sched/contracts';
import { specFor } from '../testing/given-when-then';
import { taskDecider } from './task.decider';
import { assertSchedulesCanFire } from './task.rules';

const given = specFor(taskDecider);
const taskId = 't1';
const nowMs = Date.parse('2026-06-01T12:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString();
const once = (atMs: number): ScheduleSpec => ({ type: 'once', at: iso(atMs) });
const everySecond: ScheduleSpec = { type: 'interval', everyMs: 1000, offsetMs: 0 };
const definition = (schedules: ScheduleSpec[]): TaskDefinition => ({ name: 'report', description: '', executor: 'noop', config: {}, schedules, tags: [] });
const createdWith = (schedules: ScheduleSpec[]): TaskEvent => ({ type: 'TaskCreated', data: { taskId, definition: definition(schedules) } });

const refusal = (schedules: ScheduleSpec[], kept: ScheduleSpec[] = []): unknown => {
  try {
    assertSchedulesCanFire('task.create', schedules, nowMs, kept);
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('schedules that could never fire are refused when they are set', () => {
  it('a one-shot in the future is fine; one at or before the instant of the command is refused, naming the field', () => {
    expect(refusal([once(nowMs + 1)])).toBeUndefined();
    for (const atMs of [nowMs, nowMs - 1, Date.parse('2020-01-01T00:00:00Z')]) {
      expect(refusal([everySecond, once(atMs)])).toMatchObject({
        code: 'VALIDATION',
        message: expect.stringMatching(/^task\.create: schedules\.1\.at: .* has passed .*trigger the task to run it now/),
        details: { issues: [{ path: 'schedules.1.at', message: expect.stringContaining(iso(atMs)) }] },
      });
    }
  });

  it('a window that has ended is refused at its endAt; one that ends later is fine', () => {
    expect(refusal([{ ...everySecond, endAt: iso(nowMs - 60_000) }])).toMatchObject({ details: { issues: [{ path: 'schedules.0.endAt' }] } });
    expect(refusal([{ ...everySecond, endAt: iso(nowMs + 60_000) }])).toBeUndefined();
  });

  it('a cron that never matches again is refused as a whole', () => {
    expect(refusal([{ type: 'cron', expression: '0 0 30 2 *', timezone: 'UTC' }])).toMatchObject({ details: { issues: [{ path: 'schedules.0' }] } });
  });

  it('create: refused, nothing recorded', () =>
    given().when({ type: 'CreateTask', data: { nowMs, taskId, definition: definition([once(nowMs - 1_000)]) } }).thenThrows('VALIDATION', /has passed/));

  it('update: a new one-shot in the past is refused', () =>
    given(createdWith([everySecond]))
      .when({ type: 'UpdateTask', data: { nowMs, taskId, changes: { schedules: [everySecond, once(nowMs - 1_000)] } } })
      .thenThrows('VALIDATION', /schedules\.1\.at/));

  it('update: a one-shot the task already had (it fired) may stay beside a new schedule', () =>
    given(createdWith([once(nowMs - 3_600_000)]))
      .when({ type: 'UpdateTask', data: { nowMs, taskId, changes: { schedules: [once(nowMs - 3_600_000), everySecond] } } })
      .then({ type: 'TaskUpdated', data: { taskId, changes: { schedules: [once(nowMs - 3_600_000), everySecond] } } }));

  it('update: changes that leave the schedules alone are not checked against the clock', () =>
    given(createdWith([once(nowMs - 3_600_000)]))
      .when({ type: 'UpdateTask', data: { nowMs, taskId, changes: { description: 'ran once, kept for the record' } } })
      .then({ type: 'TaskUpdated', data: { taskId, changes: { description: 'ran once, kept for the record' } } }));
});
