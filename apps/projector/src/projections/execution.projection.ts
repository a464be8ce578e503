import {
  EXECUTION_EVENT_SCHEMAS,
  type DueReason,
  type ExecutionError,
  type ExecutionEvent,
  type ExecutionStatus,
  type ItemProgress,
  type RecordedEvent,
} from '@sched/contracts';
import { assertNever } from '@sched/domain';
import { occurredMs, toMs, type Projection, type Recorded } from './projection';

/** One row of the `executions` read model. Times are epoch ms. */
export interface ExecutionRow {
  readonly executionId: string;
  readonly taskId: string;
  readonly status: ExecutionStatus;
  readonly reason: DueReason;
  readonly executor: string;
  readonly scheduledAt: number;
  readonly startedAt?: number;
  readonly endedAt?: number;
  readonly durationMs?: number;
  /** The current (or last) attempt; 0 before the first start, as in the execution decider. */
  readonly attempt: number;
  readonly workerId?: string;
  readonly progress?: { readonly percent: number; readonly message?: string } & ItemProgress;
  readonly result?: unknown;
  readonly error?: ExecutionError;
  /** Why it was skipped or cancelled; ExecutionView has no field for it yet (kept so the table loses nothing). */
  readonly note?: string;
  readonly updatedAt: number;
  /** Global position of its TaskDue: where the execution's stream starts in the log (history pages merge on it). */
  readonly duePosition: number;
  readonly position: number;
}

export const EXECUTION_EVENT_TYPES = Object.keys(EXECUTION_EVENT_SCHEMAS) as readonly ExecutionEvent['type'][];

/** Statuses follow the execution decider (libs/domain) so the read model never disagrees with the write side. */
export const executionProjection: Projection<ExecutionRow> = {
  name: 'executions',
  handles: EXECUTION_EVENT_TYPES,
  evolve(row: ExecutionRow | null, event: RecordedEvent): ExecutionRow | null {
    const e = event as Recorded<ExecutionEvent>;
    const at = occurredMs(e);
    if (e.type === 'TaskDue') {
      if (row) return row; // TaskDue opens the stream exactly once ("no stream" expected version)
      const { executionId, taskId, reason, executor, scheduledAt } = e.data;
      const due = { executionId, taskId, status: 'due' as const, reason, executor, scheduledAt: toMs(scheduledAt) };
      return { ...due, attempt: 0, updatedAt: at, duePosition: e.position, position: e.position };
    }
    if (!row) return null;
    const next = { ...row, updatedAt: at, position: e.position };
    switch (e.type) {
      case 'TaskStarted': {
        const { attempt, workerId, startedAt } = e.data;
        // A new attempt starts clean: the previous attempt's progress and end no longer describe what is running.
        const fresh = { progress: undefined, endedAt: undefined, durationMs: undefined };
        return { ...next, ...fresh, status: 'running', attempt, workerId, startedAt: toMs(startedAt) };
      }
      case 'TaskProgressed':
        // Late progress from a lost worker's attempt must not overwrite the current one.
        if (e.data.attempt !== row.attempt) return next;
        return { ...next, progress: progressOf(e.data) };
      case 'TaskSucceeded': {
        const { attempt, result, durationMs, endedAt } = e.data;
        return { ...next, status: 'succeeded', attempt, result, durationMs, endedAt: toMs(endedAt) };
      }
      case 'TaskFailed': {
        const { attempt, error, durationMs, endedAt, final } = e.data;
        // A non-final failure leaves the status to the TaskRetried that follows (as the decider does).
        return { ...next, status: final ? 'failed' : row.status, attempt, error, durationMs, endedAt: toMs(endedAt) };
      }
      case 'TaskRetried':
        return { ...next, status: 'due', workerId: undefined };
      case 'TaskTimedOut': {
        const { timeout, timeoutMs } = e.data;
        const error = { type: 'Timeout', message: `${timeout} timeout of ${timeoutMs}ms exceeded`, retryable: true };
        return { ...next, error };
      }
      case 'TaskCancelRequested':
        return next;
      case 'TaskCancelled':
        return { ...next, status: 'cancelled', endedAt: at, note: e.data.reason };
      case 'TaskSkipped':
        return { ...next, status: 'skipped', endedAt: at, note: e.data.reason };
      case 'ExecutionPauseRequested':
        return next;
      case 'ExecutionPaused':
        return { ...next, status: 'paused' };
      case 'ExecutionResumed':
        // A detached pause (its attempt ended) gets its TaskRetried in the same commit, which makes it due.
        return row.status === 'paused' ? { ...next, status: 'running' } : next;
      default:
        return assertNever(e);
    }
  },
};

type ProgressData = Extract<ExecutionEvent, { type: 'TaskProgressed' }>['data'];

/** The row keeps the latest report: percent, message and the item counts with the estimated end, if given. */
function progressOf(data: ProgressData): NonNullable<ExecutionRow['progress']> {
  const { percent, message, processedItems, totalItems, currentItem, estimatedEndAt } = data;
  const items = { processedItems, totalItems, currentItem, estimatedEndAt };
  const given = Object.fromEntries(Object.entries(items).filter(([, value]) => value !== undefined)) as ItemProgress;
  return { percent, message, ...given };
}
