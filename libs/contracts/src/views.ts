import type { ExecutionError, ExecutionLogLine, DueReason } from './events/execution-events';
import type { ExecutionStatus, TaskStateName } from './queries';
import type { ScheduleSpec } from './schedules';
import type { ItemProgress } from './progress-items';
import type { ScheduleStatus } from './schedule-status';
import type { ExecutionTimeouts, NotifyPolicy, OverlapPolicy, RetryPolicy } from './execution-policy';
import type { Misfire } from './misfire-policy';

/**
 * A field left out of a query's reply because the reply would not fit in one NATS message (max_payload) with it.
 * The object it was cut from lists it in its `omitted`.
 */
export interface OmittedField {
  /** The field's name on that object (`result`, `logs`, `config`). */
  readonly field: string;
  /** Its size as JSON. */
  readonly bytes: number;
  /** Where to read it in full: a query subject and its payload. */
  readonly readWith: { readonly subject: string; readonly payload: Record<string, unknown> };
}

/** What a reader shows in place of a field its object's `omitted` lists; undefined when it was not cut. */
export function omittedNote(view: { readonly omitted?: readonly OmittedField[] }, field: string): string | undefined {
  const cut = view.omitted?.find((entry) => entry.field === field);
  return cut && `(${cut.bytes} bytes, left out of this reply: ${cut.readWith.subject} ${JSON.stringify(cut.readWith.payload)})`;
}

/** Read model of a task, as `sched.query.task.get|list` return it. */
export interface TaskView {
  readonly taskId: string;
  readonly name: string;
  readonly description: string;
  readonly executor: string;
  readonly config: Record<string, unknown>;
  readonly schedules: readonly ScheduleSpec[];
  readonly tags: readonly string[];
  readonly state: TaskStateName;
  readonly pauseNote?: string;
  /** A paused task's pause ends by itself at this instant (paused with `until`). */
  readonly pausedUntil?: string;
  /** false: off the timer entirely (sched.cmd.task.disable); independent of paused. */
  readonly enabled: boolean;
  readonly disableReason?: string;
  /** Computed at query time; see schedule-status.ts for each value and its thresholds. */
  readonly scheduleStatus: ScheduleStatus;
  /** The retry policy in the seed's terms: retries after the first attempt, and the first retry's delay. */
  readonly maxRetries: number;
  readonly retryIntervalMs?: number;
  /** The execution policy as stored (intervals and timeouts in ms), where the task has one. */
  readonly retry?: RetryPolicy;
  readonly timeouts?: ExecutionTimeouts;
  readonly maxConcurrent?: number;
  readonly overlap?: OverlapPolicy;
  /** Where notices of executions that fail for good are POSTed. */
  readonly notify?: NotifyPolicy;
  /** The task pauses itself when one of its executions fails for good. */
  readonly pauseOnFailure?: boolean;
  readonly misfire?: Misfire;
  readonly revision: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly nextFireAt?: string;
  readonly lastExecution?: {
    readonly executionId: string;
    readonly status: ExecutionStatus;
    readonly scheduledAt: string;
    readonly endedAt?: string;
  };
  readonly counts: { readonly total: number; readonly succeeded: number; readonly failed: number; readonly running: number };
  /** Fields cut to fit the reply (see OmittedField). */
  readonly omitted?: readonly OmittedField[];
}

/** Read model of one execution (the seed's execution record). */
export interface ExecutionView {
  readonly executionId: string;
  readonly taskId: string;
  readonly status: ExecutionStatus;
  readonly reason: DueReason;
  readonly executor: string;
  readonly scheduledAt: string;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly durationMs?: number;
  readonly attempt: number;
  /** Attempts after the first: how often it was retried. */
  readonly retryCount: number;
  readonly workerId?: string;
  readonly progress?: { readonly percent: number; readonly message?: string } & ItemProgress;
  readonly result?: unknown;
  readonly error?: ExecutionError;
  /** Why it was skipped or cancelled (TaskSkipped's or TaskCancelled's reason: the overlap limit, a pause, a user's). */
  readonly endReason?: string;
  /** When the next attempt is due, while the execution waits to be retried after a failed attempt (status `due`). */
  readonly retryAt?: string;
  readonly updatedAt: string;
  /** Global position of the last event applied to this row. */
  readonly position: number;
  /** Every attempt so far, oldest first (`sched.query.execution.get` only). */
  readonly attempts?: readonly AttemptView[];
  /** Fields cut to fit the reply (see OmittedField). */
  readonly omitted?: readonly OmittedField[];
}

export const attemptStatuses = ['running', 'succeeded', 'failed', 'timed_out', 'cancelled', 'lost'] as const;
export type AttemptStatus = (typeof attemptStatuses)[number];

/** One attempt of an execution: from its TaskStarted to its outcome. */
export interface AttemptView {
  readonly executionId: string;
  readonly attempt: number;
  readonly status: AttemptStatus;
  readonly workerId: string;
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly durationMs?: number;
  readonly error?: ExecutionError;
  /** What the executor logged during this attempt (bounded), from the event that ended it. */
  readonly logs?: readonly ExecutionLogLine[];
  /** Fields cut to fit the reply (see OmittedField). */
  readonly omitted?: readonly OmittedField[];
}

/** Outcome of one finished execution, as `sched.query.stats` lists the most recent ones. */
export interface OutcomeView {
  readonly executionId: string;
  readonly status: ExecutionStatus;
  readonly endedAt: string;
  readonly durationMs?: number;
}

/** `sched.query.stats`: how a task's executions went. */
export interface TaskStatsView {
  readonly taskId: string;
  /** Executions that reached an end (succeeded, failed, cancelled, skipped). */
  readonly finished: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Cancelled by a user, an overlap policy (cancel-other) or a workflow; skipped by an overlap limit, a pause or a misfire policy. */
  readonly cancelled: number;
  readonly skipped: number;
  /** succeeded / (succeeded + failed); undefined before the first of either. */
  readonly successRate?: number;
  /** Over attempts that ended with a duration (succeeded or failed). */
  readonly avgDurationMs?: number;
  readonly p95DurationMs?: number;
  readonly lastOutcomes: readonly OutcomeView[];
  /** Executions recorded (each TaskDue), finished or not. */
  readonly total?: number;
  /** Running (or paused mid-run) right now. */
  readonly running?: number;
  /** Scheduled time of the task's newest execution. */
  readonly latestExecutionAt?: string;
}

/** One event of `sched.query.history`: the event with where it sits in its stream and in the global log. */
export interface HistoryEntry {
  readonly streamId: string;
  readonly revision: number;
  readonly position: number;
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Record<string, unknown>;
  /**
   * The task whose stream, execution or workflow run this is (a workflow step's execution: `<taskId>:<stepId>`), as
   * live events carry it; absent when the read models do not know the stream (yet).
   */
  readonly taskId?: string;
}

/** One page of `sched.query.history`. */
export interface HistoryPage {
  /** In commit order; backward pages latest first. */
  readonly events: readonly HistoryEntry[];
  /** Pass as `afterPosition` (forward) or `beforePosition` (backward) for the next page; absent on the last page. */
  readonly nextCursor?: number;
  /** The log's head when the page was read: the history is complete up to here. */
  readonly head: number;
}

/** `sched.query.as-of`: the domain state folded from the events of one stream that occurred at or before `at`. */
export interface AsOfView {
  readonly streamId: string;
  readonly at: string;
  /** Revision and position of the last event folded; -1 and 0 when the stream did not exist yet. */
  readonly revision: number;
  readonly position: number;
  readonly occurredAt?: string;
  /**
   * The domain state in JSON (sets as sorted arrays). A task's kept trigger ids are only counted, as
   * `triggeredExecutionIdCount`: each is a TaskTriggered in its history.
   */
  readonly state: Record<string, unknown>;
}

/** The first event whose hash does not match its recomputed chain link. */
export interface BrokenLink {
  readonly streamId: string;
  readonly revision: number;
  readonly eventId: string;
  readonly position: number;
  /**
   * hash-mismatch: edited (or forged); hash-missing: hash removed; revision-gap: events before it are gone;
   * not-an-event: a message on the stream's subject that is no event commit (`revision` -1, `eventId` empty: it
   * has neither), so the stream cannot be read past it; stream-missing: the read models know the stream (an
   * execution or workflow run of the task) but the log holds none of its events (`revision` -1, `eventId` empty,
   * `position` where it started); off-chain: a commit on the stream's subject that does not continue the commit
   * before it (it repeats or skips revisions, or names another previous commit: published around the store, it
   * hides the commits it skips from every other read, whatever their hashes; `revision` -1, `eventId` empty).
   */
  readonly reason: 'hash-mismatch' | 'hash-missing' | 'revision-gap' | 'not-an-event' | 'stream-missing' | 'off-chain';
  readonly expected: string;
  readonly actual?: string;
}

/** `sched.query.audit.verify`: every stream of a task (or one execution) checked link by link. */
export interface AuditReport {
  readonly ok: boolean;
  readonly streams: number;
  readonly events: number;
  /** Events appended before hash chaining existed (a stream's leading unhashed events): not covered. */
  readonly unhashed: number;
  /** The first broken link per broken stream, in position order. */
  readonly broken: readonly BrokenLink[];
  /**
   * A task's audit that ran out of its time (or of room for broken links) before its last stream: the counts and
   * links are of the streams verified so far; ask again with this as `afterPosition` for the rest (the SDK's
   * `auditVerify` does, and adds the pages up).
   */
  readonly nextCursor?: number;
}

/** `sched.cmd.projector.rebuild`: the instance that answered, and every projector instance that rebuilt. */
export interface RebuildView {
  readonly events: number;
  readonly position: number;
  readonly durationMs: number;
  readonly instances: readonly RebuildInstanceView[];
}

/** What each projector instance says of itself on `sched.cmd.projector.instances` (the roll call). */
export interface ProjectorInstanceView {
  readonly instanceId: string;
  /**
   * Random per process (per start): a restarted process keeps its instance id (a container's default
   * `<hostname>-<pid>` has pid 1 every time), so only this tells a rebuild coordinator that the process it asked is
   * gone. Absent from a projector older than it.
   */
  readonly incarnation?: string;
  /** Its tables are caught up: not rebuilding, not catching up after its start. */
  readonly ready: boolean;
  /**
   * The commandIds of the `sched.cmd.projector.rebuild`s it coordinates now: a caller waiting for one learns from
   * the roll call that its coordinator died (nobody else would ever answer). Absent from a projector older than it.
   */
  readonly coordinating?: readonly string[];
}

/** One projector instance's rebuild (each keeps read models of its own). */
export interface RebuildInstanceView {
  readonly instanceId: string;
  readonly events: number;
  readonly position: number;
  readonly durationMs: number;
  /** Why its rebuild failed (the command then fails, listing every instance). */
  readonly error?: string;
}
