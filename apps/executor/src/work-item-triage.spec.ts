import type { ExecutionEvent } from '@sched/contracts';
import { executionDecider, fold } from '@sched/domain';
import { boom, dueWith, failed, policy, retried, started } from '../../../libs/domain/src/testing/execution-fixtures';
import { triageWorkItem } from './work-item-triage';

const item = (attempt: number) => ({ executionId: 't1@1000', taskId: 't1', executor: 'noop', attempt });
const stateOf = (...events: ExecutionEvent[]) => fold(executionDecider, events);

describe('work item triage', () => {
  const due = dueWith({ retry: policy() });
  it('starts the first attempt of a due execution', () => expect(triageWorkItem(stateOf(due), item(1), 1, 2000)).toBe('start'));
  it('starts the retry after TaskRetried', () =>
    expect(triageWorkItem(stateOf(due, started(1, 2000), failed(1, boom, 2000, 2000, false), retried(2, 3000)), item(2), 1, 3000)).toBe('start'));
  it('drops an attempt that is not the next one', () => {
    expect(triageWorkItem(stateOf(due), item(2), 1, 2000)).toBe('drop');
    expect(triageWorkItem(stateOf(due, started(1, 2000), failed(1, boom, 2000, 2000, false), retried(2, 3000)), item(1), 3, 3000)).toBe('drop');
  });
  it('a redelivered item of the running attempt means its worker is lost', () =>
    expect(triageWorkItem(stateOf(due, started(1, 2000)), item(1), 2, 40_000)).toBe('worker-lost'));
  it('a first delivery of the running attempt is held elsewhere: a duplicate publish, unless its worker is gone', () => {
    expect(triageWorkItem(stateOf(due, started(1, 2000)), item(1), 1, 40_000)).toBe('held-elsewhere');
    const paused: ExecutionEvent[] = [due, started(1, 2000), { type: 'ExecutionPauseRequested', data: {} }, { type: 'ExecutionPaused', data: { attempt: 1 } }];
    expect(triageWorkItem(stateOf(...paused), item(1), 1, 40_000)).toBe('held-elsewhere');
  });
  it('an old attempt redelivered while a newer one runs is dropped, not declared lost', () =>
    expect(triageWorkItem(stateOf(due, started(1, 2000), failed(1, boom, 2000, 2000, false), retried(2, 3000), started(2, 3000)), item(1), 2, 4000)).toBe('drop'));
  it('a finished execution drops its items', () =>
    expect(triageWorkItem(stateOf(due, started(1, 2000), failed(1, boom, 2000, 2000, true)), item(1), 2, 4000)).toBe('drop'));
  it('a due execution past its schedule-to-close deadline expires', () =>
    expect(triageWorkItem(stateOf(dueWith({ timeouts: { scheduleToCloseMs: 1000 } })), item(1), 1, 2000)).toBe('expired'));
  it('an unknown execution', () => expect(triageWorkItem(stateOf(), item(1), 1, 0)).toBe('unknown'));
  it('a paused attempt redelivered means its worker is lost; once detached, its items are dropped', () => {
    const paused: ExecutionEvent[] = [due, started(1, 2000), { type: 'ExecutionPauseRequested', data: {} }, { type: 'ExecutionPaused', data: { attempt: 1 } }];
    expect(triageWorkItem(stateOf(...paused), item(1), 2, 40_000)).toBe('worker-lost');
    const lost = failed(1, { type: 'WorkerLost', message: 'gone', retryable: true }, 2000, 40_000, false);
    expect(triageWorkItem(stateOf(...paused, lost), item(1), 3, 41_000)).toBe('drop');
    expect(triageWorkItem(stateOf(...paused, lost), item(2), 1, 41_000)).toBe('drop'); // waits for the resume
  });
});
