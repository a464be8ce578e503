import type { ExecutionEvent } from '@sched/contracts';
import { specFor } from '../testing/given-when-then';
import { boom, dueWith, failed, iso, policy, retried, started } from '../testing/execution-fixtures';
import { executionDecider } from './execution.decider';

const given = specFor(executionDecider);
const executionId = 't1@1000';
const pauseRequested: ExecutionEvent = { type: 'ExecutionPauseRequested', data: { commandId: 'p1' } };
const paused: ExecutionEvent = { type: 'ExecutionPaused', data: { attempt: 1 } };
const resumed: ExecutionEvent = { type: 'ExecutionResumed', data: { commandId: 'r1' } };
const pause = { type: 'RequestPause', data: { executionId, commandId: 'p1' } } as const;
const resume = { type: 'RequestResume', data: { executionId, commandId: 'r1', nowMs: 9000 } } as const;
const lost = { type: 'WorkerLost', message: 'worker w1 stopped heartbeating', retryable: true };

describe('execution decider: pause, resume, terminate', () => {
  describe('pause', () => {
    it('a running execution records the request', () => given(dueWith(), started(1, 2000)).when(pause).then(pauseRequested));
    it('asking again, or once paused, changes nothing', () => {
      given(dueWith(), started(1, 2000), pauseRequested).when(pause).thenNothingHappened();
      given(dueWith(), started(1, 2000), pauseRequested, paused).when(pause).thenNothingHappened();
    });
    it('a due or finished execution cannot be paused', () => {
      given(dueWith()).when(pause).thenThrows('INVALID_STATE', /only a running execution/);
      given(dueWith(), started(1, 2000), { type: 'TaskSucceeded', data: { attempt: 1, durationMs: 1, endedAt: iso(2001) } })
        .when(pause)
        .thenThrows('INVALID_STATE');
    });
    it('an unknown execution is NOT_FOUND', () => given().when(pause).thenThrows('NOT_FOUND'));
  });

  describe('the runtime marks the pause at a checkpoint', () => {
    const mark = { type: 'MarkPaused', data: { attempt: 1 } } as const;
    it('records ExecutionPaused once', () => {
      given(dueWith(), started(1, 2000), pauseRequested).when(mark).then(paused);
      given(dueWith(), started(1, 2000), pauseRequested, paused).when(mark).thenNothingHappened();
    });
    it('not when resumed before it got there', () =>
      given(dueWith(), started(1, 2000), pauseRequested, resumed).when(mark).thenNothingHappened());
    it('not for an attempt that is not the running one', () =>
      given(dueWith(), started(1, 2000), pauseRequested).when({ type: 'MarkPaused', data: { attempt: 2 } }).thenThrows('INVALID_STATE'));
  });

  describe('resume', () => {
    it('a paused attempt its worker holds goes on', () => given(dueWith(), started(1, 2000), pauseRequested, paused).when(resume).then(resumed));
    it('a pause asked for but not reached yet is called off', () => given(dueWith(), started(1, 2000), pauseRequested).when(resume).then(resumed));
    it('a running execution without a pause is left alone', () => given(dueWith(), started(1, 2000)).when(resume).thenNothingHappened());
    it('when the paused attempt was lost, a new attempt starts now', () =>
      given(dueWith(), started(1, 2000), pauseRequested, paused, failed(1, lost, 2000, 5000, false))
        .when(resume)
        .then(resumed, retried(2, 9000)));
    it('a due execution cannot be resumed', () => given(dueWith()).when(resume).thenThrows('INVALID_STATE', /only a paused/));
  });

  describe('while paused', () => {
    it('progress and the outcome of the held attempt are still accepted', () => {
      given(dueWith(), started(1, 2000), pauseRequested, paused)
        .when({ type: 'ReportProgress', data: { attempt: 1, percent: 50 } })
        .then({ type: 'TaskProgressed', data: { attempt: 1, percent: 50 } });
      given(dueWith(), started(1, 2000), pauseRequested, paused)
        .when({ type: 'CompleteAttempt', data: { attempt: 1, nowMs: 3000 } })
        .then({ type: 'TaskSucceeded', data: { attempt: 1, durationMs: 1000, endedAt: iso(3000) } });
    });
    it('a lost worker leaves it paused, without the retry policy (no TaskRetried until resume)', () =>
      given(dueWith({ retry: policy() }), started(1, 2000), pauseRequested, paused)
        .when({ type: 'FailAttempt', data: { attempt: 1, error: lost, nowMs: 5000 } })
        .then(failed(1, lost, 2000, 5000, false)));
    it('a lost worker with no attempt left ends it for good: a step without retry runs at most once', () =>
      given(dueWith({ retry: policy({ maxAttempts: 1 }) }), started(1, 2000), pauseRequested, paused)
        .when({ type: 'FailAttempt', data: { attempt: 1, error: lost, nowMs: 5000 } })
        .then(failed(1, lost, 2000, 5000, true)));
    it('a failure that is not retryable still ends it', () =>
      given(dueWith({ retry: policy() }), started(1, 2000), pauseRequested, paused)
        .when({ type: 'FailAttempt', data: { attempt: 1, error: { ...boom, retryable: false }, nowMs: 5000 } })
        .then(failed(1, { ...boom, retryable: false }, 2000, 5000, true)));
    it('a new attempt cannot start before the resume', () =>
      given(dueWith(), started(1, 2000), pauseRequested, paused, failed(1, lost, 2000, 5000, false))
        .when({ type: 'StartAttempt', data: { attempt: 2, workerId: 'w2', nowMs: 6000 } })
        .thenThrows('INVALID_STATE'));
  });

  describe('terminate (cancel) a paused execution', () => {
    const terminate = { type: 'RequestCancel', data: { executionId, reason: 'terminated', commandId: 't1' } } as const;
    const requested: ExecutionEvent = { type: 'TaskCancelRequested', data: { reason: 'terminated', commandId: 't1' } };
    it('held by its worker: requested, the executor aborts it', () =>
      given(dueWith(), started(1, 2000), pauseRequested, paused).when(terminate).then(requested));
    it('the executor records the cancel of the paused attempt', () =>
      given(dueWith(), started(1, 2000), pauseRequested, paused, requested)
        .when({ type: 'CancelAttempt', data: { attempt: 1 } })
        .then({ type: 'TaskCancelled', data: { attempt: 1, reason: 'terminated' } }));
    it('nothing running (worker lost): cancelled at once', () =>
      given(dueWith(), started(1, 2000), pauseRequested, paused, failed(1, lost, 2000, 5000, false))
        .when(terminate)
        .then(requested, { type: 'TaskCancelled', data: { reason: 'terminated' } }));
  });

  describe('progress in items', () => {
    it('records the counts and an end estimated from the rate so far', () =>
      given(dueWith(), started(1, 2000))
        .when({ type: 'ReportProgress', data: { attempt: 1, percent: 25, items: { processedItems: 25, totalItems: 100, currentItem: 'row 25' }, nowMs: 4500 } })
        .then({
          type: 'TaskProgressed',
          // 25 items in 2.5 s → 75 more take 7.5 s.
          data: { attempt: 1, percent: 25, processedItems: 25, totalItems: 100, currentItem: 'row 25', estimatedEndAt: iso(12_000) },
        }));
    it('no estimate before the first item', () =>
      given(dueWith(), started(1, 2000))
        .when({ type: 'ReportProgress', data: { attempt: 1, percent: 0, items: { processedItems: 0, totalItems: 10 }, nowMs: 2500 } })
        .then({ type: 'TaskProgressed', data: { attempt: 1, percent: 0, processedItems: 0, totalItems: 10 } }));
  });
});
