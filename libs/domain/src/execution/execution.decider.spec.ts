import type { ExecutionEvent, TaskDue } from '@sched/contracts';
import { specFor } from '../testing/given-when-then';
import { executionDecider } from './execution.decider';

const given = specFor(executionDecider);
const dueData: TaskDue['data'] = {
  taskId: 't1',
  executionId: 't1@1000',
  executor: 'noop',
  config: {},
  scheduledAt: new Date(1000).toISOString(),
  reason: 'schedule',
  taskRevision: 0,
};
const due: ExecutionEvent = { type: 'TaskDue', data: dueData };
const started: ExecutionEvent = {
  type: 'TaskStarted',
  data: { attempt: 1, workerId: 'w1', startedAt: new Date(2000).toISOString() },
};
const error = { type: 'Error', message: 'boom', retryable: false };

describe('execution decider', () => {
  it('schedules a new execution', () => given().when({ type: 'ScheduleExecution', data: dueData }).then(due));
  it('refuses to schedule an occurrence twice', () =>
    given(due).when({ type: 'ScheduleExecution', data: dueData }).thenThrows('CONFLICT'));

  it('starts the first attempt', () =>
    given(due).when({ type: 'StartAttempt', data: { attempt: 1, workerId: 'w1', nowMs: 2000 } }).then(started));
  it('cannot start the same attempt twice (two executors racing)', () =>
    given(due, started)
      .when({ type: 'StartAttempt', data: { attempt: 1, workerId: 'w2', nowMs: 2100 } })
      .thenThrows('INVALID_STATE'));
  it('cannot start before it is due', () =>
    given().when({ type: 'StartAttempt', data: { attempt: 1, workerId: 'w1', nowMs: 0 } }).thenThrows('INVALID_STATE'));

  it('records progress of the running attempt', () =>
    given(due, started)
      .when({ type: 'ReportProgress', data: { attempt: 1, percent: 50, message: 'half way' } })
      .then({ type: 'TaskProgressed', data: { attempt: 1, percent: 50, message: 'half way' } }));
  it('refuses progress for an attempt that is not running', () =>
    given(due).when({ type: 'ReportProgress', data: { attempt: 1, percent: 10 } }).thenThrows('INVALID_STATE'));

  it('succeeds with the duration measured from the start', () =>
    given(due, started, { type: 'TaskProgressed', data: { attempt: 1, percent: 50 } })
      .when({ type: 'CompleteAttempt', data: { attempt: 1, result: { rows: 3 }, nowMs: 2750 } })
      .then({
        type: 'TaskSucceeded',
        data: { attempt: 1, result: { rows: 3 }, durationMs: 750, endedAt: new Date(2750).toISOString() },
      }));
  it('fails finally when there is no retry policy', () =>
    given(due, started)
      .when({ type: 'FailAttempt', data: { attempt: 1, error, nowMs: 2500 } })
      .then({
        type: 'TaskFailed',
        data: { attempt: 1, error, durationMs: 500, endedAt: new Date(2500).toISOString(), final: true },
      }));
  it('a finished execution cannot succeed again', () =>
    given(due, started, { type: 'TaskSucceeded', data: { attempt: 1, durationMs: 1, endedAt: new Date(2001).toISOString() } })
      .when({ type: 'CompleteAttempt', data: { attempt: 1, nowMs: 3000 } })
      .thenThrows('INVALID_STATE'));
  it('a retried execution starts its next attempt', () =>
    given(
      due,
      started,
      { type: 'TaskFailed', data: { attempt: 1, error, durationMs: 1, endedAt: new Date(2001).toISOString(), final: false } },
      { type: 'TaskRetried', data: { attempt: 2, retryAt: new Date(5000).toISOString() } },
    )
      .when({ type: 'StartAttempt', data: { attempt: 2, workerId: 'w2', nowMs: 5000 } })
      .then({ type: 'TaskStarted', data: { attempt: 2, workerId: 'w2', startedAt: new Date(5000).toISOString() } }));
});
