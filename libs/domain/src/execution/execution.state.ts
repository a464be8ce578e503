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
      /** When the next attempt may start (after TaskRetried). */
      readonly retryAtMs?: number;
      readonly cancelRequested: boolean;
      readonly cancelReason?: string;
      /** Id of the cancel command that asked, so the same command sent again is a no-op. */
      readonly cancelCommandId?: string;
    };

/** An execution that exists (TaskDue was recorded). */
export type KnownExecutionState = Exclude<ExecutionState, { status: 'none' }>;

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
        retryAtMs: undefined,
      };
    case 'TaskSucceeded':
      return { ...state, status: 'succeeded' };
    case 'TaskFailed':
      return event.data.final ? { ...state, status: 'failed' } : state;
    case 'TaskRetried':
      // The next attempt waits for its retry timer; until then the execution is due again.
      return { ...state, status: 'due', workerId: undefined, startedAtMs: undefined, retryAtMs: Date.parse(event.data.retryAt) };
    case 'TaskCancelRequested':
      return { ...state, cancelRequested: true, cancelReason: event.data.reason, cancelCommandId: event.data.commandId };
    case 'TaskCancelled':
      return { ...state, status: 'cancelled' };
    case 'TaskSkipped':
      return { ...state, status: 'skipped' };
    case 'TaskProgressed':
    case 'TaskTimedOut':
      return state;
  }
}
