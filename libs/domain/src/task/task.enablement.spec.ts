import type { TaskDefinition, TaskEvent } from '@sched/contracts';
import { specFor } from '../testing/given-when-then';
import { taskDecider } from './task.decider';

const given = specFor(taskDecider);
const taskId = 't1';
/** The instant commands are decided at (before every schedule's first occurrence here). */
const nowMs = Date.parse('2026-01-01T00:00:00Z');
const definition: TaskDefinition = {
  name: 'report',
  description: '',
  executor: 'noop',
  config: {},
  schedules: [{ type: 'interval', everyMs: 1000, offsetMs: 0 }],
  tags: [],
};
const created: TaskEvent = { type: 'TaskCreated', data: { taskId, definition } };
const disabled: TaskEvent = { type: 'TaskDisabled', data: { taskId, reason: 'broken' } };
const paused: TaskEvent = { type: 'TaskPaused', data: { taskId } };

describe('task decider: enable/disable, manual tasks', () => {
  it('creates a task disabled in the same commit', () =>
    given()
      .when({ type: 'CreateTask', data: { nowMs, taskId, definition, enabled: false } })
      .then(created, { type: 'TaskDisabled', data: { taskId } }));
  it('disables with a reason, once', () => {
    given(created).when({ type: 'DisableTask', data: { taskId, reason: 'broken' } }).then(disabled);
    given(created, disabled).when({ type: 'DisableTask', data: { taskId } }).thenNothingHappened();
  });
  it('enables a disabled task, and an enabled one is left alone', () => {
    given(created, disabled).when({ type: 'EnableTask', data: { taskId } }).then({ type: 'TaskEnabled', data: { taskId } });
    given(created).when({ type: 'EnableTask', data: { taskId } }).thenNothingHappened();
  });
  it('disabled and paused are independent switches', () => {
    given(created, disabled).when({ type: 'PauseTask', data: { taskId, nowMs: 0 } }).then(paused);
    given(created, paused).when({ type: 'DisableTask', data: { taskId } }).then({ type: 'TaskDisabled', data: { taskId } });
    given(created, paused, disabled).when({ type: 'ResumeTask', data: { taskId, nowMs: 0 } }).then({ type: 'TaskResumed', data: { taskId } });
  });
  it('a disabled task cannot be triggered or backfilled, a retried trigger stays a no-op', () => {
    given(created, disabled).when({ type: 'TriggerTask', data: { taskId, executionId: 'x' } }).thenThrows('INVALID_STATE', /disabled/);
    given(created, disabled)
      .when({ type: 'BackfillTask', data: { taskId, backfillId: 'b', fromMs: 0, toMs: 5000, nowMs: 10_000 } })
      .thenThrows('INVALID_STATE', /disabled/);
    given(created, { type: 'TaskTriggered', data: { taskId, executionId: 'x' } }, disabled)
      .when({ type: 'TriggerTask', data: { taskId, executionId: 'x' } })
      .thenNothingHappened();
  });
  it('a deleted task cannot be disabled', () =>
    given(created, { type: 'TaskDeleted', data: { taskId } }).when({ type: 'DisableTask', data: { taskId } }).thenThrows('NOT_FOUND'));

  describe('a manual task never gets a schedule', () => {
    it('refused at create', () =>
      given().when({ type: 'CreateTask', data: { nowMs, taskId, definition: { ...definition, executor: 'manual' } } }).thenThrows('VALIDATION', /manual/));
    it('refused when a schedule is added to it, or it becomes manual while scheduled', () => {
      const manual: TaskEvent = { type: 'TaskCreated', data: { taskId, definition: { ...definition, executor: 'manual', schedules: [] } } };
      given(manual).when({ type: 'UpdateTask', data: { nowMs, taskId, changes: { schedules: definition.schedules } } }).thenThrows('VALIDATION');
      given(created).when({ type: 'UpdateTask', data: { nowMs, taskId, changes: { executor: 'manual' } } }).thenThrows('VALIDATION');
      given(created)
        .when({ type: 'UpdateTask', data: { nowMs, taskId, changes: { executor: 'manual', schedules: [] } } })
        .then({ type: 'TaskUpdated', data: { taskId, changes: { executor: 'manual', schedules: [] } } });
    });
    it('may be created without schedules', () =>
      given()
        .when({ type: 'CreateTask', data: { nowMs, taskId, definition: { ...definition, executor: 'manual', schedules: [] } } })
        .then({ type: 'TaskCreated', data: { taskId, definition: { ...definition, executor: 'manual', schedules: [] } } }));
  });
});
