import type { ExecutionState } from '@sched/domain';
import { attemptOutcomeLabel } from './attempt-metrics';

const state = (status: Exclude<ExecutionState['status'], 'none'>) => ({ status }) as unknown as ExecutionState;

describe('attemptOutcomeLabel', () => {
  it('names a recorded attempt by the state it left the execution in', () => {
    expect(attemptOutcomeLabel('recorded', state('succeeded'))).toBe('succeeded');
    expect(attemptOutcomeLabel('recorded', state('failed'))).toBe('failed');
    expect(attemptOutcomeLabel('recorded', state('cancelled'))).toBe('cancelled');
    expect(attemptOutcomeLabel('recorded', state('due'))).toBe('retrying');
  });

  it('names an attempt that was not recorded by why', () => {
    expect(attemptOutcomeLabel('lost', state('running'))).toBe('lost');
    expect(attemptOutcomeLabel('shutdown', state('running'))).toBe('shutdown');
  });
});
