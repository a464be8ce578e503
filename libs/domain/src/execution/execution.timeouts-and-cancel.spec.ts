import { specFor } from '../testing/given-when-then';
import { executionDecider } from './execution.decider';
import { boom, dueWith, failed, policy, retried, started } from '../testing/execution-fixtures';

const given = specFor(executionDecider);
const timeoutError = (timeout: string, ms: number, retryable = true) => ({ type: 'Timeout', message: `${timeout} timeout of ${ms}ms exceeded`, retryable });

describe('execution decider: timeouts', () => {
  it('startToClose: TaskTimedOut, then the retry policy applies', () =>
    given(dueWith({ retry: policy() }), started(1, 2000))
      .when({ type: 'TimeOutAttempt', data: { attempt: 1, timeout: 'startToClose', timeoutMs: 500, nowMs: 2500 } })
      .then(
        { type: 'TaskTimedOut', data: { attempt: 1, timeout: 'startToClose', timeoutMs: 500 } },
        failed(1, timeoutError('startToClose', 500), 2000, 2500, false),
        retried(2, 3500),
      ));

  it('heartbeat: final when no attempts are left', () =>
    given(dueWith(), started(1, 2000))
      .when({ type: 'TimeOutAttempt', data: { attempt: 1, timeout: 'heartbeat', timeoutMs: 300, nowMs: 2400 } })
      .then(
        { type: 'TaskTimedOut', data: { attempt: 1, timeout: 'heartbeat', timeoutMs: 300 } },
        failed(1, timeoutError('heartbeat', 300), 2000, 2400, true),
      ));

  it('scheduleToClose of a running attempt is final, whatever the policy', () =>
    given(dueWith({ retry: policy(), timeouts: { scheduleToCloseMs: 2000 } }), started(1, 2000))
      .when({ type: 'TimeOutAttempt', data: { attempt: 1, timeout: 'scheduleToClose', timeoutMs: 2000, nowMs: 3000 } })
      .then(
        { type: 'TaskTimedOut', data: { attempt: 1, timeout: 'scheduleToClose', timeoutMs: 2000 } },
        failed(1, timeoutError('scheduleToClose', 2000, false), 2000, 3000, true),
      ));

  it('scheduleToClose may end an execution whose next attempt never started', () =>
    given(dueWith({ timeouts: { scheduleToCloseMs: 2000 } }))
      .when({ type: 'TimeOutAttempt', data: { attempt: 1, timeout: 'scheduleToClose', timeoutMs: 2000, nowMs: 3100 } })
      .then(
        { type: 'TaskTimedOut', data: { attempt: 1, timeout: 'scheduleToClose', timeoutMs: 2000 } },
        // Never started, so it ran for 0 ms.
        failed(1, timeoutError('scheduleToClose', 2000, false), 3100, 3100, true),
      ));

  it('other timeouts need the attempt to be running', () =>
    given(dueWith())
      .when({ type: 'TimeOutAttempt', data: { attempt: 1, timeout: 'startToClose', timeoutMs: 500, nowMs: 2500 } })
      .thenThrows('INVALID_STATE'));
});

describe('execution decider: cancel', () => {
  const cancel = (commandId?: string) =>
    ({ type: 'RequestCancel', data: { executionId: 't1@1000', reason: 'not needed', ...(commandId ? { commandId } : {}) } }) as const;
  const requested = { type: 'TaskCancelRequested', data: { reason: 'not needed', commandId: 'c1' } } as const;

  it('a due execution is cancelled at once', () =>
    given(dueWith())
      .when(cancel('c1'))
      .then(requested, { type: 'TaskCancelled', data: { reason: 'not needed' } }));

  it('an execution waiting for its retry is cancelled at once', () =>
    given(dueWith({ retry: policy() }), started(1, 2000), failed(1, boom, 2000, 2000, false), retried(2, 3000))
      .when(cancel('c1'))
      .then(requested, { type: 'TaskCancelled', data: { reason: 'not needed' } }));

  it('a running execution only records the request: its executor aborts the attempt', () =>
    given(dueWith(), started(1, 2000)).when(cancel('c1')).then(requested));

  it('asking twice while it runs changes nothing', () =>
    given(dueWith(), started(1, 2000), requested).when(cancel('c2')).thenNothingHappened());

  it('the executor records TaskCancelled for the aborted attempt', () =>
    given(dueWith(), started(1, 2000), requested)
      .when({ type: 'CancelAttempt', data: { attempt: 1 } })
      .then({ type: 'TaskCancelled', data: { attempt: 1, reason: 'not needed' } }));

  it('an attempt nobody asked to cancel cannot be cancelled by the executor', () =>
    given(dueWith(), started(1, 2000)).when({ type: 'CancelAttempt', data: { attempt: 1 } }).thenThrows('INVALID_STATE'));

  it('a failure after the request ends the execution cancelled, not retried', () =>
    given(dueWith({ retry: policy() }), started(1, 2000), requested)
      .when({ type: 'FailAttempt', data: { attempt: 1, error: boom, nowMs: 2100 } })
      .then(failed(1, boom, 2000, 2100, false), { type: 'TaskCancelled', data: { attempt: 1, reason: 'not needed' } }));

  it("a workflow run's failure stands over a cancel that came after the run had failed: the run and its execution agree", () => {
    const runFailed = { type: 'WorkflowFailed', message: 'steps failed: a', retryable: false };
    given(dueWith(), started(1, 2000), requested)
      .when({ type: 'FailAttempt', data: { attempt: 1, error: runFailed, nowMs: 2100 } })
      .then(failed(1, runFailed, 2000, 2100, true));
  });

  it('cancelling a finished execution is INVALID_STATE', () =>
    given(dueWith(), started(1, 2000), { type: 'TaskSucceeded', data: { attempt: 1, durationMs: 1, endedAt: new Date(2001).toISOString() } })
      .when(cancel('c1'))
      .thenThrows('INVALID_STATE', /already succeeded/));

  it('the same cancel command sent again after it cancelled is a no-op', () =>
    given(dueWith(), requested, { type: 'TaskCancelled', data: { reason: 'not needed' } }).when(cancel('c1')).thenNothingHappened());

  it('cancelling an unknown execution is NOT_FOUND', () => given().when(cancel('c1')).thenThrows('NOT_FOUND'));
});

describe('execution decider: overlap skip', () => {
  const skip = { type: 'SkipExecution', data: { reason: 'maxConcurrent 1 reached' } } as const;
  it('a due execution that never ran is skipped', () =>
    given(dueWith({ maxConcurrent: 1, overlap: 'skip' })).when(skip).then({ type: 'TaskSkipped', data: { reason: 'maxConcurrent 1 reached' } }));
  it('a retry is never skipped', () =>
    given(dueWith(), started(1, 2000), failed(1, boom, 2000, 2000, false), retried(2, 3000)).when(skip).thenThrows('INVALID_STATE'));
});
