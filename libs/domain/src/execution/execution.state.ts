import type { ExecutionEvent, TaskDue } from '@sched/contracts';

type DueData = TaskDue['data'];

export type ExecutionState =
  | { readonly status: 'none' }
  | {
      readonly status: 'due' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'skipped';
      readonly due: DueData;
      /** The current (or last) attempt number; 0 before the first start. */
      readonly attempt: number;
      readonly workerId?: string;
      readonly startedAtMs?: number;
      readonly cancelRequested: boolean;
    };

export const initialExecutionState = (): ExecutionState => ({ status: 'none' });

export function evolveExecution(state: ExecutionState, event: ExecutionEvent): ExecutionState {
  if (event.type === 'TaskDue') {
    return { status: 'due', due: event.data, attempt: 0, cancelRequested: false };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'TaskStarted':
      return {
        ...state,
        status: 'running',
        attempt: event.data.attempt,
        workerId: event.data.workerId,
        startedAtMs: Date.parse(event.data.startedAt),
      };
    case 'TaskSucceeded':
      return { ...state, status: 'succeeded' };
    case 'TaskFailed':
      return event.data.final ? { ...state, status: 'failed' } : state;
    case 'TaskRetried':
      // The next attempt waits for its retry timer; until then the execution is due again.
      return { ...state, status: 'due', workerId: undefined, startedAtMs: undefined };
    case 'TaskCancelRequested':
      return { ...state, cancelRequested: true };
    case 'TaskCancelled':
      return { ...state, status: 'cancelled' };
    case 'TaskSkipped':
      return { ...state, status: 'skipped' };
    case 'TaskProgressed':
    case 'TaskTimedOut':
      return state;
  }
}
