import { ErrorCode, SchedError, invalidState, isoTime, notFound, type ExecutionError, type ExecutionEvent, type ExecutionLogLine } from '@sched/contracts';
import { assertNever, type Decider } from '../decider';
import type { ExecutionCommand } from './execution.commands';
import { evolveExecution, initialExecutionState, type ExecutionState, type KnownExecutionState } from './execution.state';
import { NO_JITTER_RANDOM, afterFailure } from './retry-policy';
import { decideMarkPaused, decidePauseRequest, decideResumeRequest, isAttachedPause } from './execution-control';
import { itemProgressFields } from './progress-estimate';

type Running = KnownExecutionState & { startedAtMs: number };

/** The error type a workflow run's execution fails with when steps failed (apps/workflow). */
const WORKFLOW_FAILED = 'WorkflowFailed';

/** The attempt is the one running: also while it is paused at a checkpoint (its code may still end it). */
function requireRunningAttempt(state: ExecutionState, attempt: number): Running {
  const held = state.status === 'running' || isAttachedPause(state);
  if (!held || state.status === 'none' || state.attempt !== attempt || state.startedAtMs === undefined) {
    throw invalidState(`attempt ${attempt} is not running`, { status: state.status, attempt: 'attempt' in state ? state.attempt : 0 });
  }
  return state as Running;
}

const withLogs = (logs?: readonly ExecutionLogLine[]) => (logs && logs.length > 0 ? { logs: [...logs] } : {});

interface Failure {
  readonly attempt: number;
  readonly error: ExecutionError;
  readonly nowMs: number;
  readonly random?: number;
  readonly logs?: readonly ExecutionLogLine[];
}

/**
 * TaskFailed, then what follows it: TaskCancelled when a cancel was requested meanwhile, TaskRetried when the policy
 * allows another attempt (both with final:false), or nothing (final:true). One list, appended in one commit.
 */
function failureEvents(state: KnownExecutionState, failure: Failure): ExecutionEvent[] {
  const { attempt, error, nowMs } = failure;
  const durationMs = state.startedAtMs === undefined ? 0 : Math.max(0, nowMs - state.startedAtMs);
  const failed = (final: boolean): ExecutionEvent => ({
    type: 'TaskFailed',
    data: { attempt, error, durationMs, endedAt: isoTime(nowMs), final, ...withLogs(failure.logs) },
  });
  // A workflow run's failure is the run's verdict, recorded on its own stream: a cancel that came after the run had
  // failed (its service had not ended the execution yet) found nothing to cancel there, so it must not turn the
  // execution into a cancelled one beside a failed run (and keep the failure notice from going out).
  if (state.cancelRequested && error.type !== WORKFLOW_FAILED) {
    return [failed(false), { type: 'TaskCancelled', data: { attempt, ...(state.cancelReason ? { reason: state.cancelReason } : {}) } }];
  }
  const next = afterFailure(state.due, attempt, error, nowMs, failure.random ?? NO_JITTER_RANDOM);
  if (next.kind === 'final') return [failed(true)];
  // A paused attempt that fails for a reason worth retrying, with an attempt left, stays paused: the resume starts
  // the next one. With none left it fails for good (a step without retry runs at most once).
  if (state.status === 'paused') return [failed(false)];
  return [failed(false), { type: 'TaskRetried', data: { attempt: attempt + 1, retryAt: isoTime(next.retryAtMs) } }];
}

function decideCancelRequest(command: Extract<ExecutionCommand, { type: 'RequestCancel' }>, state: ExecutionState): ExecutionEvent[] {
  const { executionId, reason, commandId } = command.data;
  if (state.status === 'none') throw notFound('Execution', executionId);
  const requested: ExecutionEvent = {
    type: 'TaskCancelRequested',
    data: { ...(reason ? { reason } : {}), ...(commandId ? { commandId } : {}) },
  };
  switch (state.status) {
    case 'due': // nothing runs: cancelled at once, in the same commit
      return [requested, { type: 'TaskCancelled', data: reason ? { reason } : {} }];
    case 'running': // the executor running it aborts the attempt and records TaskCancelled
      return state.cancelRequested ? [] : [requested];
    case 'paused': // held by its worker: aborted like a running one; detached: nothing runs, cancelled at once
      if (state.cancelRequested) return [];
      return isAttachedPause(state) ? [requested] : [requested, { type: 'TaskCancelled', data: reason ? { reason } : {} }];
    default:
      if (commandId !== undefined && state.cancelCommandId === commandId) return []; // the same command, retried
      throw invalidState(`execution ${executionId} is already ${state.status}`, { executionId, status: state.status });
  }
}

/**
 * due → started → progressed* → succeeded | failed (→ retried → due …) | timed out | cancelled. The rules refuse
 * anything that would fork an execution's history (a second start of one attempt, progress or an outcome for an
 * attempt that is not the running one).
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
      return [{ type: 'TaskStarted', data: { attempt, workerId, startedAt: isoTime(nowMs) } }];
    }
    case 'ReportProgress': {
      const running = requireRunningAttempt(state, command.data.attempt);
      const { attempt, percent, message, data, items, nowMs } = command.data;
      const counted = items ? itemProgressFields(items, running.startedAtMs, nowMs ?? running.startedAtMs) : {};
      return [{ type: 'TaskProgressed', data: { attempt, percent, ...(message ? { message } : {}), ...(data ? { data } : {}), ...counted } }];
    }
    case 'CompleteAttempt': {
      // Accepted even after a cancel request: the work is done, and the history should say so.
      const running = requireRunningAttempt(state, command.data.attempt);
      const { attempt, result, nowMs, logs } = command.data;
      const durationMs = Math.max(0, nowMs - running.startedAtMs);
      const outcome = { attempt, ...(result === undefined ? {} : { result }), durationMs, endedAt: isoTime(nowMs), ...withLogs(logs) };
      return [{ type: 'TaskSucceeded', data: outcome }];
    }
    case 'FailAttempt':
      return failureEvents(requireRunningAttempt(state, command.data.attempt), command.data);
    case 'TimeOutAttempt': {
      const { attempt, timeout, timeoutMs } = command.data;
      const notStarted = state.status === 'due' && timeout === 'scheduleToClose' && attempt === state.attempt + 1;
      const known = notStarted ? (state as KnownExecutionState) : requireRunningAttempt(state, attempt);
      const message = `${timeout} timeout of ${timeoutMs}ms exceeded`;
      // The whole execution's deadline has passed: no retry could run within it.
      const error = { type: 'Timeout', message, retryable: timeout !== 'scheduleToClose' };
      return [{ type: 'TaskTimedOut', data: { attempt, timeout, timeoutMs } }, ...failureEvents(known, { ...command.data, error })];
    }
    case 'RequestCancel':
      return decideCancelRequest(command, state);
    case 'RequestPause':
      return decidePauseRequest(command.data, state);
    case 'MarkPaused':
      return decideMarkPaused(command.data, state);
    case 'RequestResume':
      return decideResumeRequest(command.data, state);
    case 'SkipExecution':
      // Only an execution that never ran is skipped: a retry of one that did always waits for its slot.
      if (state.status !== 'due' || state.attempt !== 0) throw invalidState('only a due execution that never started can be skipped', { status: state.status });
      return [{ type: 'TaskSkipped', data: { reason: command.data.reason } }];
    case 'CancelAttempt': {
      const running = requireRunningAttempt(state, command.data.attempt);
      if (!running.cancelRequested) throw invalidState(`attempt ${command.data.attempt} was not asked to cancel`);
      const reason = running.cancelReason ? { reason: running.cancelReason } : {};
      return [{ type: 'TaskCancelled', data: { attempt: command.data.attempt, ...reason, ...withLogs(command.data.logs) } }];
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
