import { ErrorCode, SchedError, invalidState, type ExecutionEvent } from '@sched/contracts';
import { assertNever, type Decider } from '../decider';
import type { ExecutionCommand } from './execution.commands';
import { evolveExecution, initialExecutionState, type ExecutionState } from './execution.state';

type Known = Exclude<ExecutionState, { status: 'none' }>;

function requireRunningAttempt(state: ExecutionState, attempt: number): Known & { startedAtMs: number } {
  if (state.status !== 'running' || state.attempt !== attempt || state.startedAtMs === undefined) {
    throw invalidState(`attempt ${attempt} is not running`, { status: state.status, attempt: 'attempt' in state ? state.attempt : 0 });
  }
  return state as Known & { startedAtMs: number };
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * due → started → progressed* → succeeded | failed. Later issues add retries, timeouts and cancellation on top;
 * the rules here already refuse anything that would fork an execution's history (a second start of one attempt,
 * progress or an outcome for an attempt that is not the running one).
 */
export function decideExecution(command: ExecutionCommand, state: ExecutionState): ExecutionEvent[] {
  switch (command.type) {
    case 'ScheduleExecution':
      if (state.status !== 'none') {
        throw new SchedError(ErrorCode.CONFLICT, `execution ${command.data.executionId} is already scheduled`);
      }
      return [{ type: 'TaskDue', data: command.data }];
    case 'StartAttempt': {
      const { attempt, workerId, nowMs } = command.data;
      if (state.status !== 'due' || attempt !== state.attempt + 1) {
        throw invalidState(`attempt ${attempt} cannot start`, { status: state.status });
      }
      return [{ type: 'TaskStarted', data: { attempt, workerId, startedAt: iso(nowMs) } }];
    }
    case 'ReportProgress': {
      requireRunningAttempt(state, command.data.attempt);
      const { attempt, percent, message, data } = command.data;
      return [{ type: 'TaskProgressed', data: { attempt, percent, ...(message ? { message } : {}), ...(data ? { data } : {}) } }];
    }
    case 'CompleteAttempt': {
      const running = requireRunningAttempt(state, command.data.attempt);
      const { attempt, result, nowMs } = command.data;
      const durationMs = Math.max(0, nowMs - running.startedAtMs);
      return [
        { type: 'TaskSucceeded', data: { attempt, ...(result === undefined ? {} : { result }), durationMs, endedAt: iso(nowMs) } },
      ];
    }
    case 'FailAttempt': {
      const running = requireRunningAttempt(state, command.data.attempt);
      const { attempt, error, nowMs } = command.data;
      const durationMs = Math.max(0, nowMs - running.startedAtMs);
      // Without a retry policy (issue: executor actors) every failure is final.
      return [{ type: 'TaskFailed', data: { attempt, error, durationMs, endedAt: iso(nowMs), final: true } }];
    }
    default:
      return assertNever(command);
  }
}

export const executionDecider: Decider<ExecutionState, ExecutionCommand, ExecutionEvent> = {
  decide: decideExecution,
  evolve: evolveExecution,
  initialState: initialExecutionState,
};
