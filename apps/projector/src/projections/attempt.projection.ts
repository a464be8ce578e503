import type { AttemptStatus, ExecutionError, ExecutionEvent, ExecutionLogLine, RecordedEvent } from '@sched/contracts';
import { occurredMs, toMs, type Projection, type Recorded } from './projection';

/** One row of the `attempts` read model: one run of an execution, from its TaskStarted to its outcome. */
export interface AttemptRow {
  readonly executionId: string;
  readonly attempt: number;
  readonly taskId: string;
  readonly status: AttemptStatus;
  readonly workerId: string;
  readonly startedAt: number;
  readonly endedAt?: number;
  readonly durationMs?: number;
  readonly error?: ExecutionError;
  readonly logs?: readonly ExecutionLogLine[];
  readonly position: number;
}

/** An execution event with what the attempts model needs from its execution row (the task id). */
export interface AttemptEvent {
  readonly event: RecordedEvent;
  readonly type: string;
  readonly position: number;
  readonly taskId: string;
  readonly executionId: string;
}

export const ATTEMPT_EVENT_TYPES = ['TaskStarted', 'TaskSucceeded', 'TaskFailed', 'TaskTimedOut', 'TaskCancelled'] as const;

/** The attempt an execution event is about, or undefined when it is about none (TaskCancelled before any start). */
export function attemptOf(event: RecordedEvent): number | undefined {
  if (!(ATTEMPT_EVENT_TYPES as readonly string[]).includes(event.type)) return undefined;
  const attempt = (event.data as { attempt?: unknown }).attempt;
  return typeof attempt === 'number' ? attempt : undefined;
}

/** The attempt's log lines travel on the event that ends it (an event without any keeps what the row has). */
type Logs = readonly ExecutionLogLine[] | undefined;
const logsOf = (row: AttemptRow, data: { logs?: readonly ExecutionLogLine[] }): Logs => data.logs ?? row.logs;

/**
 * An attempt whose worker went away is `lost`: one that vanished is reported by the retry policy as WorkerLost
 * (ARCHITECTURE.md, Actors), one that shut down while the attempt ran records WorkerShutdown itself.
 */
const WORKER_GONE = new Set(['WorkerLost', 'WorkerShutdown']);

/** Attempts follow the events that carry an `attempt`; an outcome of an attempt never started leaves no row. */
export const attemptProjection: Projection<AttemptRow, AttemptEvent> = {
  name: 'attempts',
  handles: ATTEMPT_EVENT_TYPES,
  evolve(row: AttemptRow | null, change: AttemptEvent): AttemptRow | null {
    const e = change.event as Recorded<ExecutionEvent>;
    if (e.type === 'TaskStarted') {
      if (row) return row;
      const { attempt, workerId, startedAt } = e.data;
      const { executionId, taskId } = change;
      // Every field, in recordToAttempt's order: one row shape keeps the spreads below on V8's fast path.
      return {
        executionId,
        attempt,
        taskId,
        status: 'running',
        workerId,
        startedAt: toMs(startedAt),
        endedAt: undefined,
        durationMs: undefined,
        error: undefined,
        logs: undefined,
        position: e.position,
      };
    }
    if (!row) return null;
    const position = e.position;
    switch (e.type) {
      case 'TaskSucceeded': {
        const { endedAt, durationMs } = e.data;
        return { ...row, status: 'succeeded', endedAt: toMs(endedAt), durationMs, logs: logsOf(row, e.data), position };
      }
      case 'TaskFailed': {
        const { error, endedAt, durationMs } = e.data;
        // A timed-out attempt keeps saying so when its failure is recorded after the timeout.
        const status = row.status === 'timed_out' ? 'timed_out' : WORKER_GONE.has(error.type) ? 'lost' : 'failed';
        return { ...row, status, error, endedAt: toMs(endedAt), durationMs, logs: logsOf(row, e.data), position };
      }
      case 'TaskTimedOut': {
        const { timeout, timeoutMs } = e.data;
        const error = { type: 'Timeout', message: `${timeout} timeout of ${timeoutMs}ms exceeded`, retryable: true };
        return { ...row, status: 'timed_out', error, endedAt: row.endedAt ?? occurredMs(e), position };
      }
      case 'TaskCancelled': {
        if (row.status !== 'running') return { ...row, position };
        const endedAt = occurredMs(e);
        return { ...row, status: 'cancelled', endedAt, durationMs: endedAt - row.startedAt, logs: logsOf(row, e.data), position };
      }
      default:
        return { ...row, position };
    }
  },
};
