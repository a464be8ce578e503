import type { TaskDefinition, TaskEvent } from '@sched/contracts';
import { specFor } from '../testing/given-when-then';
import { taskDecider } from './task.decider';

const given = specFor(taskDecider);
const taskId = 't1';
/** The instant commands are decided at (before every schedule's first occurrence here). */
const nowMs = Date.parse('2026-01-01T00:00:00Z');
const definition: TaskDefinition = {
  name: 'nightly report',
  description: '',
  executor: 'noop',
  config: {},
  schedules: [{ type: 'interval', everyMs: 1000, offsetMs: 0 }],
  tags: ['reports'],
};
const created: TaskEvent = { type: 'TaskCreated', data: { taskId, definition } };
const paused: TaskEvent = { type: 'TaskPaused', data: { taskId, note: 'maintenance' } };
const deleted: TaskEvent = { type: 'TaskDeleted', data: { taskId } };

describe('task decider', () => {
  describe('create', () => {
    it('creates a new task', () =>
      given().when({ type: 'CreateTask', data: { nowMs, taskId, definition } }).then(created));
    it('refuses to create a task twice', () =>
      given(created).when({ type: 'CreateTask', data: { nowMs, taskId, definition } }).thenThrows('CONFLICT', /already exists/));
  });

  describe('update', () => {
    it('records only the fields that change', () =>
      given(created)
        .when({ type: 'UpdateTask', data: { nowMs, taskId, changes: { name: 'renamed', executor: 'noop' } } })
        .then({ type: 'TaskUpdated', data: { taskId, changes: { name: 'renamed' } } }));
    it('appends nothing when nothing changes', () =>
      given(created).when({ type: 'UpdateTask', data: { nowMs, taskId, changes: { tags: ['reports'] } } }).thenNothingHappened());
    it('applies earlier updates before comparing', () =>
      given(created, { type: 'TaskUpdated', data: { taskId, changes: { name: 'renamed' } } })
        .when({ type: 'UpdateTask', data: { nowMs, taskId, changes: { name: 'renamed' } } })
        .thenNothingHappened());
    it('takes away the optional fields it names that the task has; naming only absent ones changes nothing', () => {
      const notify = { url: 'https://hooks.example.com/x' };
      const withNotice: TaskEvent = { type: 'TaskUpdated', data: { taskId, changes: { notify, maxConcurrent: 2 } } };
      given(created, withNotice)
        .when({ type: 'UpdateTask', data: { nowMs, taskId, changes: {}, removed: ['notify', 'overlap'] } })
        .then({ type: 'TaskUpdated', data: { taskId, changes: {}, removed: ['notify'] } });
      given(created).when({ type: 'UpdateTask', data: { nowMs, taskId, changes: {}, removed: ['notify'] } }).thenNothingHappened();
      // Folded: the field is gone, the rest stays; removing it again is no change.
      const removed: TaskEvent = { type: 'TaskUpdated', data: { taskId, changes: {}, removed: ['notify'] } };
      given(created, withNotice, removed).when({ type: 'UpdateTask', data: { nowMs, taskId, changes: {}, removed: ['notify'] } }).thenNothingHappened();
      given(created, withNotice, removed).when({ type: 'UpdateTask', data: { nowMs, taskId, changes: { maxConcurrent: 2 } } }).thenNothingHappened();
    });
    it('is NOT_FOUND for an unknown task', () =>
      given().when({ type: 'UpdateTask', data: { nowMs, taskId, changes: { name: 'x' } } }).thenThrows('NOT_FOUND'));
    it('is NOT_FOUND for a deleted task', () =>
      given(created, deleted).when({ type: 'UpdateTask', data: { nowMs, taskId, changes: { name: 'x' } } }).thenThrows('NOT_FOUND', /was deleted/));
  });

  describe('pause and resume', () => {
    it('pauses with a note', () =>
      given(created).when({ type: 'PauseTask', data: { taskId, note: 'maintenance', nowMs } }).then(paused));
    it('pausing a paused task changes nothing', () =>
      given(created, paused).when({ type: 'PauseTask', data: { taskId, nowMs } }).thenNothingHappened());
    it('resumes a paused task', () =>
      given(created, paused).when({ type: 'ResumeTask', data: { taskId, nowMs } }).then({ type: 'TaskResumed', data: { taskId } }));
    it('resuming an active task changes nothing', () =>
      given(created).when({ type: 'ResumeTask', data: { taskId, nowMs } }).thenNothingHappened());
    it('a failure pauses the task once: its repeat after a resume changes nothing, the next failure pauses again', () => {
      const byFailure = (executionId: string) => ({ type: 'PauseTask' as const, data: { taskId, note: 'failed', afterFailureOf: executionId, nowMs } });
      const pausedBy: TaskEvent = { type: 'TaskPaused', data: { taskId, note: 'failed', afterFailureOf: 'e1' } };
      given(created).when(byFailure('e1')).then(pausedBy);
      given(created, pausedBy, { type: 'TaskResumed', data: { taskId } }).when(byFailure('e1')).thenNothingHappened();
      given(created, pausedBy, { type: 'TaskResumed', data: { taskId } })
        .when(byFailure('e2'))
        .then({ type: 'TaskPaused', data: { taskId, note: 'failed', afterFailureOf: 'e2' } });
    });
    it('a pause with until: recorded with its end, which must lie ahead; it lapses by itself', () => {
      const untilMs = nowMs + 3_600_000;
      const snoozed: TaskEvent = { type: 'TaskPaused', data: { taskId, until: '2026-01-01T01:00:00.000Z' } };
      given(created).when({ type: 'PauseTask', data: { taskId, untilMs, nowMs } }).then(snoozed);
      given(created).when({ type: 'PauseTask', data: { taskId, untilMs: nowMs, nowMs } }).thenThrows('VALIDATION', /until: .* has passed .* a pause must end in the future/);
      // The same pause again is no change; another end, or none, is recorded.
      given(created, snoozed).when({ type: 'PauseTask', data: { taskId, untilMs, nowMs } }).thenNothingHappened();
      // A new note is recorded (with the same end); the same note, or none, is no change.
      const noted: TaskEvent = { type: 'TaskPaused', data: { taskId, note: 'vendor outage', until: '2026-01-01T01:00:00.000Z' } };
      given(created, snoozed).when({ type: 'PauseTask', data: { taskId, untilMs, note: 'vendor outage', nowMs } }).then(noted);
      given(created, noted).when({ type: 'PauseTask', data: { taskId, untilMs, note: 'vendor outage', nowMs } }).thenNothingHappened();
      given(created, noted).when({ type: 'PauseTask', data: { taskId, untilMs, nowMs } }).thenNothingHappened();
      given(created, snoozed).when({ type: 'PauseTask', data: { taskId, nowMs } }).then({ type: 'TaskPaused', data: { taskId } });
      given(created, paused).when({ type: 'PauseTask', data: { taskId, untilMs, nowMs } }).then(snoozed);
      // Lapsed: paused again (by hand or by a failure), though no event ended it.
      const later = untilMs + 1;
      given(created, snoozed).when({ type: 'PauseTask', data: { taskId, nowMs: later } }).then({ type: 'TaskPaused', data: { taskId } });
      given(created, snoozed)
        .when({ type: 'PauseTask', data: { taskId, afterFailureOf: 'e9', note: 'failed', nowMs: later } })
        .then({ type: 'TaskPaused', data: { taskId, note: 'failed', afterFailureOf: 'e9' } });
      given(created, snoozed).when({ type: 'PauseTask', data: { taskId, afterFailureOf: 'e9', nowMs } }).thenNothingHappened();
      // Resumed before its end: recorded; after it: the pause is over already, no change.
      given(created, snoozed).when({ type: 'ResumeTask', data: { taskId, nowMs } }).then({ type: 'TaskResumed', data: { taskId } });
      given(created, snoozed).when({ type: 'ResumeTask', data: { taskId, nowMs: later } }).thenNothingHappened();
    });
    it('cannot pause a task that does not exist', () =>
      given().when({ type: 'PauseTask', data: { taskId, nowMs } }).thenThrows('NOT_FOUND'));
  });

  describe('delete', () => {
    it('deletes with a reason', () =>
      given(created)
        .when({ type: 'DeleteTask', data: { taskId, reason: 'obsolete' } })
        .then({ type: 'TaskDeleted', data: { taskId, reason: 'obsolete' } }));
    it('cannot delete twice', () => given(created, deleted).when({ type: 'DeleteTask', data: { taskId } }).thenThrows('NOT_FOUND'));
    it('a deleted task deleted again to cancel its pending executions is no change (the cancels are what is left)', () =>
      given(created, deleted).when({ type: 'DeleteTask', data: { taskId, cancelPending: true } }).thenNothingHappened());
    it('a task never created is not found, even to cancel its pending executions', () =>
      given().when({ type: 'DeleteTask', data: { taskId, cancelPending: true } }).thenThrows('NOT_FOUND'));
  });

  describe('trigger', () => {
    const trigger = { type: 'TriggerTask', data: { taskId, executionId: 'cmd-1' } } as const;
    it('triggers an execution with the given id', () =>
      given(created).when(trigger).then({ type: 'TaskTriggered', data: { taskId, executionId: 'cmd-1' } }));
    it("a trigger with the run's own config records it (the task's definition does not change)", () =>
      given(created)
        .when({ type: 'TriggerTask', data: { taskId, executionId: 'cmd-2', config: { steps: 2 } } })
        .then({ type: 'TaskTriggered', data: { taskId, executionId: 'cmd-2', config: { steps: 2 } } }));
    it('a paused task can still be triggered by hand', () =>
      given(created, paused).when(trigger).then({ type: 'TaskTriggered', data: { taskId, executionId: 'cmd-1' } }));
    it('a retried trigger with the same id fires once', () =>
      given(created, { type: 'TaskTriggered', data: { taskId, executionId: 'cmd-1' } }).when(trigger).thenNothingHappened());
    it('a deleted task cannot be triggered, and the error says it was deleted', () => given(created, deleted).when(trigger).thenThrows('NOT_FOUND', /^Task .* was deleted$/));
  });

  describe('backfill', () => {
    const backfill = (fromMs: number, toMs: number, nowMs = 100_000, backfillId = 'b1') =>
      ({ type: 'BackfillTask', data: { taskId, backfillId, fromMs, toMs, nowMs } }) as const;
    it('records the range and how many occurrences it holds', () =>
      given(created)
        .when(backfill(10_000, 15_000))
        .then({
          type: 'BackfillRequested',
          data: { taskId, backfillId: 'b1', from: new Date(10_000).toISOString(), to: new Date(15_000).toISOString(), occurrences: 5 },
        }));
    it('a retried backfill command acts once', () =>
      given(created, {
        type: 'BackfillRequested',
        data: { taskId, backfillId: 'b1', from: new Date(10_000).toISOString(), to: new Date(15_000).toISOString(), occurrences: 5 },
      })
        .when(backfill(10_000, 15_000))
        .thenNothingHappened());
    it('cannot reach into the future', () => given(created).when(backfill(10_000, 200_000)).thenThrows('VALIDATION', /future/));
    it('refuses a range without occurrences', () => given(created).when(backfill(10_100, 10_900)).thenThrows('VALIDATION', /no occurrence/));
    it('refuses more than the limit', () =>
      given(created).when(backfill(0, 20_000_000, 30_000_000)).thenThrows('VALIDATION', /at most/));
    it('names the field of each refusal in details.issues, as every other VALIDATION does', () => {
      const issuesOf = (from: number, to: number, now?: number) => {
        try {
          taskDecider.decide(backfill(from, to, now), taskDecider.evolve(taskDecider.initialState(), created));
        } catch (error) {
          return (error as { details: Record<string, unknown> }).details.issues;
        }
        throw new Error('expected a refusal');
      };
      expect(issuesOf(10_000, 200_000)).toEqual([{ path: 'to', message: 'a backfill cannot reach into the future' }]);
      expect(issuesOf(10_100, 10_900)).toEqual([{ path: 'from', message: 'the task has no occurrence in that range' }]);
      expect(issuesOf(0, 20_000_000, 30_000_000)).toEqual([expect.objectContaining({ path: 'to', message: expect.stringMatching(/at most/) })]);
    });
    it('counts every occurrence in the range, maxFires or not (it counted 1 for maxFires 1, then fired all of them)', () => {
      const once: TaskEvent = { type: 'TaskCreated', data: { taskId, definition: { ...definition, schedules: [{ type: 'interval', everyMs: 1000, offsetMs: 0, maxFires: 1 }] } } };
      given(once).when(backfill(10_000, 15_000)).then(expect.objectContaining({ data: expect.objectContaining({ occurrences: 5 }) }));
      given(once).when(backfill(0, 20_000_000, 30_000_000)).thenThrows('VALIDATION', /at most/);
    });
  });
});
