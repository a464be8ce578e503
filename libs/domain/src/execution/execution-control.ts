import { invalidState, isoTime, notFound, type ExecutionEvent } from '@sched/contracts';
import type { ExecutionCommand } from './execution.commands';
import type { ExecutionState, KnownExecutionState } from './execution.state';

type Data<T extends ExecutionCommand['type']> = Extract<ExecutionCommand, { type: T }>['data'];


/** A paused execution whose attempt's worker still holds it (the code waits at a checkpoint). */
export const isAttachedPause = (state: ExecutionState): boolean => state.status === 'paused' && state.startedAtMs !== undefined;

function requireKnown(state: ExecutionState, executionId: string): KnownExecutionState {
  if (state.status === 'none') throw notFound('Execution', executionId);
  return state;
}

/** Only a running execution can be paused; asking again (or once it is paused) changes nothing. */
export function decidePauseRequest(data: Data<'RequestPause'>, state: ExecutionState): ExecutionEvent[] {
  const known = requireKnown(state, data.executionId);
  if (known.status === 'paused' || (known.status === 'running' && known.pauseRequested)) return [];
  if (known.status !== 'running') {
    throw invalidState(`execution ${data.executionId} is ${known.status}: only a running execution can be paused`, {
      executionId: data.executionId,
      status: known.status,
    });
  }
  const requested = { ...(data.reason ? { reason: data.reason } : {}), ...(data.commandId ? { commandId: data.commandId } : {}) };
  return [{ type: 'ExecutionPauseRequested', data: requested }];
}

/** The runtime records the pause when the attempt's code reaches a checkpoint, unless it was resumed before. */
export function decideMarkPaused(data: Data<'MarkPaused'>, state: ExecutionState): ExecutionEvent[] {
  const attemptHeld = (state.status === 'running' || isAttachedPause(state)) && 'attempt' in state && state.attempt === data.attempt;
  if (!attemptHeld) throw invalidState(`attempt ${data.attempt} is not running`, { status: state.status });
  if (state.status === 'paused' || !state.pauseRequested) return [];
  return [{ type: 'ExecutionPaused', data: { attempt: data.attempt } }];
}

/**
 * Resume: a pause asked for (or in effect) ends. When the paused attempt has ended meanwhile (its worker was lost,
 * it timed out), a new attempt is scheduled at once with TaskRetried in the same commit; the retry timer puts it on
 * the work queue. A running execution without a pause is left alone (a repeated resume is a no-op).
 */
export function decideResumeRequest(data: Data<'RequestResume'>, state: ExecutionState): ExecutionEvent[] {
  const known = requireKnown(state, data.executionId);
  const resumed: ExecutionEvent = { type: 'ExecutionResumed', data: data.commandId ? { commandId: data.commandId } : {} };
  if (known.status === 'running') return known.pauseRequested ? [resumed] : [];
  if (known.status !== 'paused') {
    throw invalidState(`execution ${data.executionId} is ${known.status}: only a paused execution can be resumed`, {
      executionId: data.executionId,
      status: known.status,
    });
  }
  if (isAttachedPause(known)) return [resumed];
  return [resumed, { type: 'TaskRetried', data: { attempt: known.attempt + 1, retryAt: isoTime(data.nowMs) } }];
}
