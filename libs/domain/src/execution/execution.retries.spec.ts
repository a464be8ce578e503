import { specFor } from '../testing/given-when-then';
import { executionDecider } from './execution.decider';
import { boom, dueWith, failed, iso, policy, retried, started } from '../testing/execution-fixtures';

const given = specFor(executionDecider);
const fail = (attempt: number, nowMs: number, error = boom, random?: number) =>
  ({ type: 'FailAttempt', data: { attempt, error, nowMs, ...(random === undefined ? {} : { random }) } }) as const;

describe('execution decider: retries', () => {
  const due = dueWith({ retry: policy() });

  it('a retryable failure with attempts left: TaskFailed{final:false} + TaskRetried at now + backoff, one decision', () =>
    given(due, started(1, 2000))
      .when(fail(1, 2500))
      .then(failed(1, boom, 2000, 2500, false), retried(2, 3500)));

  it('the backoff grows with the attempt (exponential)', () =>
    given(due, started(1, 2000), failed(1, boom, 2000, 2100, false), retried(2, 3100), started(2, 3100))
      .when(fail(2, 3200))
      .then(failed(2, boom, 3100, 3200, false), retried(3, 5200)));

  it('jitter comes from the random number in the command', () =>
    given(dueWith({ retry: policy({ jitter: 0.5 }) }), started(1, 2000))
      .when(fail(1, 2000, boom, 0))
      .then(failed(1, boom, 2000, 2000, false), retried(2, 2500)));

  it('the last attempt fails finally', () =>
    given(due, started(1, 2000), failed(1, boom, 2000, 2000, false), retried(2, 3000), started(2, 3000),
      failed(2, boom, 3000, 3000, false), retried(3, 5000), started(3, 5000))
      .when(fail(3, 5100))
      .then(failed(3, boom, 5000, 5100, true)));

  it('an error marked not retryable fails finally', () => {
    const fatal = { type: 'HttpError', message: '404', retryable: false };
    return given(due, started(1, 2000)).when(fail(1, 2100, fatal)).then(failed(1, fatal, 2000, 2100, true));
  });

  it('an error type listed in nonRetryableErrorTypes fails finally', () => {
    const bad = { type: 'InvalidInput', message: 'no', retryable: true };
    return given(dueWith({ retry: policy({ nonRetryableErrorTypes: ['InvalidInput'] }) }), started(1, 2000))
      .when(fail(1, 2100, bad))
      .then(failed(1, bad, 2000, 2100, true));
  });

  it('no retry policy: maxAttempts 1', () =>
    given(dueWith(), started(1, 2000)).when(fail(1, 2100)).then(failed(1, boom, 2000, 2100, true)));

  it('no retry that would start after the scheduleToClose deadline', () =>
    given(dueWith({ retry: policy(), timeouts: { scheduleToCloseMs: 3000 } }), started(1, 2000))
      .when(fail(1, 3500))
      .then(failed(1, boom, 2000, 3500, true)));

  it('WorkerLost (a redelivered item of a running attempt) is retried like any retryable failure', () => {
    const lost = { type: 'WorkerLost', message: 'worker w1 stopped heartbeating', retryable: true };
    return given(due, started(1, 2000)).when(fail(1, 32_000, lost)).then(failed(1, lost, 2000, 32_000, false), retried(2, 33_000));
  });

  it('the retried attempt starts once, with the next number only', () =>
    given(due, started(1, 2000), failed(1, boom, 2000, 2000, false), retried(2, 3000))
      .when({ type: 'StartAttempt', data: { attempt: 3, workerId: 'w2', nowMs: 3000 } })
      .thenThrows('INVALID_STATE'));

  it('an outcome for the failed attempt is refused once the retry is scheduled', () =>
    given(due, started(1, 2000), failed(1, boom, 2000, 2000, false), retried(2, 3000))
      .when({ type: 'CompleteAttempt', data: { attempt: 1, nowMs: 2500 } })
      .thenThrows('INVALID_STATE'));

  it('logs of the attempt are kept on its TaskFailed', () => {
    const logs = [{ at: iso(2050), level: 'info' as const, message: 'hello' }];
    return given(dueWith(), started(1, 2000))
      .when({ type: 'FailAttempt', data: { attempt: 1, error: boom, nowMs: 2100, logs } })
      .then({ type: 'TaskFailed', data: { attempt: 1, error: boom, durationMs: 100, endedAt: iso(2100), final: true, logs } });
  });
});
