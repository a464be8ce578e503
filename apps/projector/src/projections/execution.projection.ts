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
  /** Why it was skipped or cancelled (ExecutionView's endReason). */
  readonly note?: string;
  /** When the next attempt is due, while a failed attempt's execution waits to be retried (TaskRetried's retryAt). */
  readonly retryAt?: number;
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
    const updatedAt = occurredMs(e);
    if (e.type === 'TaskDue') {
      if (row) return row; // TaskDue opens the stream exactly once ("no stream" expected version)
      const { executionId, taskId, reason, executor, scheduledAt } = e.data;
      // Every field, in the order recordToExecution gives them: rows of one shape keep the spreads below (and
      // every read of a row) on V8's fast path, which matters when a rebuild folds millions of events.
      return {
        executionId,
        taskId,
        status: 'due',
        reason,
        executor,
        scheduledAt: toMs(scheduledAt),
        startedAt: undefined,
        endedAt: undefined,
        durationMs: undefined,
        attempt: 0,
        workerId: undefined,
        progress: undefined,
        result: undefined,
        error: undefined,
        note: undefined,
        retryAt: undefined,
        updatedAt,
        duePosition: e.position,
        position: e.position,
      };
    }
    if (!row) return null;
    // One spread per event, of a row that already has every field (see TaskDue).
    const position = e.position;
    switch (e.type) {
      case 'TaskStarted': {
        const { attempt, workerId, startedAt } = e.data;
        // A new attempt starts clean: the previous attempt's progress and end no longer describe what is running.
        return {
          ...row,
          status: 'running',
          attempt,
          workerId,
          startedAt: toMs(startedAt),
          progress: undefined,
          endedAt: undefined,
          durationMs: undefined,
          retryAt: undefined,
          updatedAt,
          position,
        };
      }
      case 'TaskProgressed':
        // Late progress from a lost worker's attempt must not overwrite the current one.
        if (e.data.attempt !== row.attempt) return { ...row, updatedAt, position };
        return { ...row, progress: progressOf(e.data), updatedAt, position };
      case 'TaskSucceeded': {
        const { attempt, result, durationMs, endedAt } = e.data;
        // An earlier attempt's error (kept while the execution retried) does not describe one that succeeded.
        return { ...row, status: 'succeeded', attempt, result, error: undefined, durationMs, endedAt: toMs(endedAt), updatedAt, position };
      }
      case 'TaskFailed': {
        const { attempt, error, durationMs, endedAt, final } = e.data;
        // A non-final failure leaves the status to the TaskRetried that follows (as the decider does).
        const status = final ? 'failed' : row.status;
        return { ...row, status, attempt, error, durationMs, endedAt: toMs(endedAt), updatedAt, position };
      }
      case 'TaskRetried':
        // Due again: not ended (the failed attempt's end stays on its attempt row).
        return { ...row, status: 'due', workerId: undefined, endedAt: undefined, retryAt: toMs(e.data.retryAt), updatedAt, position };
      case 'TaskTimedOut': {
        const { timeout, timeoutMs } = e.data;
        const error = { type: 'Timeout', message: `${timeout} timeout of ${timeoutMs}ms exceeded`, retryable: true };
        return { ...row, error, updatedAt, position };
      }
      case 'TaskCancelRequested':
      case 'ExecutionPauseRequested':
        return { ...row, updatedAt, position };
      case 'TaskCancelled': {
        // The attempt it stopped ran until now; a cancel while it waited (to start, or to be retried) keeps the last
        // attempt's duration, and no attempt is coming any more.
        const stoppedAttempt = row.status !== 'due' && row.startedAt !== undefined && row.endedAt === undefined;
        const durationMs = stoppedAttempt ? updatedAt - row.startedAt! : row.durationMs;
        return { ...row, status: 'cancelled', endedAt: updatedAt, durationMs, note: e.data.reason, retryAt: undefined, updatedAt, position };
      }
      case 'TaskSkipped':
        return { ...row, status: 'skipped', endedAt: updatedAt, note: e.data.reason, updatedAt, position };
      case 'ExecutionPaused':
        return { ...row, status: 'paused', updatedAt, position };
      case 'ExecutionResumed':
        // A detached pause (its attempt ended) gets its TaskRetried in the same commit, which makes it due.
        return { ...row, status: row.status === 'paused' ? 'running' : row.status, updatedAt, position };
      default:
        return assertNever(e);
    }
  },
};

type Progress = NonNullable<ExecutionRow['progress']>;
type ProgressData = Extract<ExecutionEvent, { type: 'TaskProgressed' }>['data'];

/** The row keeps the latest report: percent, message and the item counts with the estimated end, if given. */
function progressOf(data: ProgressData): Progress {
  const { percent, message, processedItems, totalItems, currentItem, estimatedEndAt } = data;
  const progress: { -readonly [K in keyof Progress]: Progress[K] } = { percent, message };
  if (processedItems !== undefined) progress.processedItems = processedItems;
  if (totalItems !== undefined) progress.totalItems = totalItems;
  if (currentItem !== undefined) progress.currentItem = currentItem;
  if (estimatedEndAt !== undefined) progress.estimatedEndAt = estimatedEndAt;
  return progress;
}
