import { connect, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { Observable } from 'rxjs';
import type { z } from 'zod';
import {
  Subjects,
  SchedError,
  parsePayload,
  subscribeOptionsSchema,
  type AsOfView,
  type AuditReport,
  type BackfillTaskResult,
  type ExecutionCommandResult,
  type ExecutorTypeView,
  type NextFiresResult,
  type OverallStatsView,
  type disableTaskPayloadSchema,
  type enableTaskPayloadSchema,
  type pauseExecutionPayloadSchema,
  type resumeExecutionPayloadSchema,
  type terminateExecutionPayloadSchema,
  type backfillTaskPayloadSchema,
  type cancelExecutionPayloadSchema,
  type nextFiresQuerySchema,
  type ExecutionView,
  type HistoryEntry,
  type HistoryPage,
  type HistoryQueryInput,
  type Page,
  type RebuildView,
  type TaskCommandResult,
  type DeleteTaskResult,
  type TaskStatsView,
  type TaskView,
  type TriggerTaskResult,
  type createTaskPayloadSchema,
  type deleteTaskPayloadSchema,
  type getExecutionQuerySchema,
  type getTaskQuerySchema,
  type listExecutionsQuerySchema,
  type listTasksQuerySchema,
  type pauseTaskPayloadSchema,
  type resumeTaskPayloadSchema,
  type statsQuerySchema,
  type triggerTaskPayloadSchema,
  type updateTaskPayloadSchema,
  type ProjectorStatusView,
  type ResumeWorkflowResult,
  type WorkflowRunView,
  type getWorkflowRunQuerySchema,
  type listWorkflowRunsQuerySchema,
  type resumeWorkflowPayloadSchema,
  type cancelWorkflowPayloadSchema,
  type rebuildCommandSchema,
} from '@sched/contracts';
import { SchedClientError } from './errors';
import { DEFAULT_TIMEOUT_MS, checkTimeout, requestReply } from './request';
import { watchedRebuild } from './rebuild-watch';
import { EventFeed, type FeedEvent, type SubscribeOptions } from './subscription/event-feed';

/** What callers send: the schemas' input types, so defaults may be left out and durations given as text. */
export type CreateTaskInput = z.input<typeof createTaskPayloadSchema>;
export type UpdateTaskInput = z.input<typeof updateTaskPayloadSchema>;
export type PauseTaskInput = z.input<typeof pauseTaskPayloadSchema>;
export type ResumeTaskInput = z.input<typeof resumeTaskPayloadSchema>;
export type DeleteTaskInput = z.input<typeof deleteTaskPayloadSchema>;
export type TriggerTaskInput = z.input<typeof triggerTaskPayloadSchema>;
export type BackfillTaskInput = z.input<typeof backfillTaskPayloadSchema>;
export type CancelExecutionInput = z.input<typeof cancelExecutionPayloadSchema>;
export type EnableTaskInput = z.input<typeof enableTaskPayloadSchema>;
export type DisableTaskInput = z.input<typeof disableTaskPayloadSchema>;
export type PauseExecutionInput = z.input<typeof pauseExecutionPayloadSchema>;
export type ResumeExecutionInput = z.input<typeof resumeExecutionPayloadSchema>;
export type TerminateExecutionInput = z.input<typeof terminateExecutionPayloadSchema>;
export type NextFiresInput = z.input<typeof nextFiresQuerySchema>;
export type GetTaskInput = z.input<typeof getTaskQuerySchema>;
export type ListTasksInput = z.input<typeof listTasksQuerySchema>;
export type GetExecutionInput = z.input<typeof getExecutionQuerySchema>;
export type ListExecutionsInput = z.input<typeof listExecutionsQuerySchema>;
export type ResumeWorkflowInput = z.input<typeof resumeWorkflowPayloadSchema>;
export type CancelWorkflowInput = z.input<typeof cancelWorkflowPayloadSchema>;
export type GetWorkflowRunInput = z.input<typeof getWorkflowRunQuerySchema>;
export type ListWorkflowRunsInput = z.input<typeof listWorkflowRunsQuerySchema>;
/** A rebuild's body: a commandId at most (anything else is the server's VALIDATION). */
export type RebuildInput = z.input<typeof rebuildCommandSchema> & Record<string, unknown>;
export type StatsInput = z.input<typeof statsQuerySchema> & { readonly taskId: string };
export type AsOfInput = { readonly taskId: string; readonly at: string | Date } | { readonly executionId: string; readonly at: string | Date };
export type AuditInput = { readonly taskId: string } | { readonly executionId: string };
export type AuditPageInput = { readonly taskId: string; readonly afterPosition?: number } | { readonly executionId: string };

export interface SchedClientOptions {
  /** Per request (default 10 s); a request without an answer in time fails with UNAVAILABLE. */
  readonly timeoutMs?: number;
  readonly name?: string;
  /** Credentials and TLS for a server that asks for them (user/pass, token, authenticator, tls). */
  readonly connectOptions?: Partial<NodeConnectionOptions>;
}

/**
 * The typed SDK: one function per command and query subject, and event feeds that survive reconnects. Every
 * failure is a SchedClientError (the server's code, or UNAVAILABLE).
 */
export class SchedClient {
  private constructor(
    readonly nc: NatsConnection,
    private readonly ownsConnection: boolean,
    private readonly timeoutMs: number,
  ) {}

  /** Connects to a NATS URL (reconnecting forever), or uses a connection the caller owns. */
  static async connect(target: string | NatsConnection, options: SchedClientOptions = {}): Promise<SchedClient> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    checkTimeout(timeoutMs, 'connect');
    if (typeof target !== 'string') return new SchedClient(target, false, timeoutMs);
    try {
      const base = { servers: target, name: options.name ?? 'sched-client', maxReconnectAttempts: -1, reconnectTimeWait: 250 };
      const nc = await connect({ ...options.connectOptions, ...base });
      return new SchedClient(nc, true, timeoutMs);
    } catch (error) {
      throw SchedClientError.unavailable(`connect ${target}`, error);
    }
  }

  createTask = (input: CreateTaskInput) => this.request<TaskCommandResult>(Subjects.cmd.taskCreate, input);
  updateTask = (input: UpdateTaskInput) => this.request<TaskCommandResult>(Subjects.cmd.taskUpdate, input);
  pauseTask = (input: PauseTaskInput) => this.request<TaskCommandResult>(Subjects.cmd.taskPause, input);
  resumeTask = (input: ResumeTaskInput) => this.request<TaskCommandResult>(Subjects.cmd.taskResume, input);
  deleteTask = (input: DeleteTaskInput) => this.request<DeleteTaskResult>(Subjects.cmd.taskDelete, input);
  triggerTask = (input: TriggerTaskInput) => this.request<TriggerTaskResult>(Subjects.cmd.taskTrigger, input);
  backfillTask = (input: BackfillTaskInput) => this.request<BackfillTaskResult>(Subjects.cmd.taskBackfill, input);
  cancelExecution = (input: CancelExecutionInput) => this.request<ExecutionCommandResult>(Subjects.cmd.executionCancel, input);
  enableTask = (input: EnableTaskInput) => this.request<TaskCommandResult>(Subjects.cmd.taskEnable, input);
  disableTask = (input: DisableTaskInput) => this.request<TaskCommandResult>(Subjects.cmd.taskDisable, input);
  pauseExecution = (input: PauseExecutionInput) => this.request<ExecutionCommandResult>(Subjects.cmd.executionPause, input);
  resumeExecution = (input: ResumeExecutionInput) => this.request<ExecutionCommandResult>(Subjects.cmd.executionResume, input);
  terminateExecution = (input: TerminateExecutionInput) => this.request<ExecutionCommandResult>(Subjects.cmd.executionTerminate, input);
  /** A new run of a failed or cancelled workflow run that reuses the results of the steps that succeeded. */
  resumeWorkflow = (input: ResumeWorkflowInput) => this.request<ResumeWorkflowResult>(Subjects.cmd.workflowResume, input);
  /** A run's cancel: its execution's, NOT_FOUND for an execution that is not a workflow run. */
  cancelWorkflow = (input: CancelWorkflowInput) => this.request<ExecutionCommandResult>(Subjects.cmd.workflowCancel, input);

  getTask = (input: GetTaskInput) => this.request<TaskView>(Subjects.query.taskGet, input);
  listTasks = (input: ListTasksInput = {}) => this.request<Page<TaskView>>(Subjects.query.taskList, input);
  nextFires = (input: NextFiresInput) => this.request<NextFiresResult>(Subjects.query.taskNextFires, input);
  /** The executor types tasks may use (built-in and loaded by EXECUTOR_MODULES), with a line about each. */
  listExecutors = (input: Record<string, never> = {}) => this.request<{ readonly items: readonly ExecutorTypeView[] }>(Subjects.query.executorList, input);
  getExecution = (input: GetExecutionInput) => this.request<ExecutionView>(Subjects.query.executionGet, input);
  listExecutions = (input: ListExecutionsInput = {}) => this.request<Page<ExecutionView>>(Subjects.query.executionList, input);
  getWorkflowRun = (input: GetWorkflowRunInput) => this.request<WorkflowRunView>(Subjects.query.workflowGet, input);
  listWorkflowRuns = (input: ListWorkflowRunsInput = {}) => this.request<Page<WorkflowRunView>>(Subjects.query.workflowList, input);
  /** How far the read models have got (position, lag): what /health and readiness checks ask. */
  projectorStatus = () => this.request<ProjectorStatusView>(Subjects.query.projectorStatus, {});
  stats = (input: StatsInput) => this.request<TaskStatsView>(Subjects.query.stats, input);
  /** Every task's executions together. */
  overallStats = (input: { readonly minPosition?: number } = {}) => this.request<OverallStatsView>(Subjects.query.stats, input);
  historyPage = (input: HistoryQueryInput = {}) => this.request<HistoryPage>(Subjects.query.history, input);
  /** `at` as a Date or anything Date parses ("2030-01-01"); what it cannot parse goes as given, for the server's VALIDATION. */
  asOf = (input: AsOfInput) => {
    const at = new Date(input.at);
    return this.request<AsOfView>(Subjects.query.asOf, { ...input, at: Number.isNaN(at.getTime()) ? String(input.at) : at.toISOString() });
  };
  /** One answer of an audit: a task's is a page (its `nextCursor`, when set, is the next page's `afterPosition`). */
  auditVerifyPage = (input: AuditPageInput) => this.request<AuditReport>(Subjects.query.auditVerify, input);

  /**
   * The whole audit of a task (every page, added up: broken links in position order) or of one execution; `signal`
   * stops it between pages (a caller that went away leaves no audit running on).
   */
  async auditVerify(input: AuditInput, options: { readonly signal?: AbortSignal } = {}): Promise<AuditReport> {
    let report = await this.auditVerifyPage(input);
    while (report.nextCursor !== undefined) {
      options.signal?.throwIfAborted();
      const next = await this.auditVerifyPage({ ...input, afterPosition: report.nextCursor });
      const broken = [...report.broken, ...next.broken].sort((a, b) => a.position - b.position);
      const sum = (field: 'streams' | 'events' | 'unhashed') => report[field] + next[field];
      report = { ok: report.ok && next.ok, streams: sum('streams'), events: sum('events'), unhashed: sum('unhashed'), broken, ...(next.nextCursor === undefined ? {} : { nextCursor: next.nextCursor }) };
    }
    return report;
  }
  /**
   * Drops the read models and replays the log into them; resolves when they are back at the head. UNAVAILABLE
   * within seconds if the projector coordinating it dies (see watchedRebuild); `input` as on NATS (a commandId).
   */
  rebuildReadModels = (timeoutMs = 10 * 60_000, input: RebuildInput = {}): Promise<RebuildView> => {
    checkTimeout(timeoutMs, Subjects.admin.projectorRebuild);
    return watchedRebuild(this.nc, input, timeoutMs);
  };

  /** Global position of the last committed event: pass it as `minPosition` to read everything committed so far. */
  async headPosition(): Promise<number> {
    return (await this.historyPage({ afterPosition: Number.MAX_SAFE_INTEGER, limit: 1 })).head;
  }

  /**
   * Every event of a task / an execution / the log, in commit order, page by page (large histories never hit max
   * payload); with `direction: 'backward'`, the latest first (stop when you have seen enough).
   */
  async *history(input: HistoryQueryInput = {}): AsyncGenerator<HistoryEntry> {
    const cursorField = input.direction === 'backward' ? 'beforePosition' : 'afterPosition';
    let cursor = input[cursorField];
    for (;;) {
      const page = await this.historyPage({ ...input, [cursorField]: cursor });
      yield* page.events;
      if (page.nextCursor === undefined) return;
      cursor = page.nextCursor;
    }
  }

  /** Every item of a paged list query, page by page. */
  async *all<T>(list: (cursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<T> {
    let cursor: string | undefined;
    do {
      const page = await list(cursor);
      yield* page.items;
      cursor = page.nextCursor;
    } while (cursor);
  }

  /**
   * Live events (an async iterable; `close()` or `break` ends it), resuming through history after a disconnect so
   * none is missed, each delivered once. `fromPosition` replays the history after it first.
   */
  subscribe(options: SubscribeOptions = {}): EventFeed {
    // Checked here, before anything subscribes: the feed filters types itself, so an unknown one would just never match.
    checkSubscribeOptions(options);
    return new EventFeed(this.nc, (query) => this.historyPage(query), options).start();
  }

  /** The same feed as an rxjs Observable: unsubscribing closes it. */
  events$(options: SubscribeOptions = {}): Observable<FeedEvent> {
    return new Observable<FeedEvent>((subscriber) => {
      const feed = this.subscribe(options);
      void (async () => {
        try {
          for await (const event of feed) subscriber.next(event);
          subscriber.complete();
        } catch (error) {
          subscriber.error(error);
        }
      })();
      return () => void feed.close();
    });
  }

  /** Closes the connection if the client opened it. */
  async close(): Promise<void> {
    if (this.ownsConnection && !this.nc.isClosed()) await this.nc.drain().catch(() => this.nc.close());
  }

  /** Any request-reply subject, for subjects newer than this SDK: same reply contract, same errors. */
  request<T>(subject: string, payload: unknown, timeoutMs = this.timeoutMs): Promise<T> {
    return requestReply<T>(this.nc, subject, payload, timeoutMs);
  }
}

/** Throws what `subscribe` throws for these options (VALIDATION: an unknown event type names the closest one). */
export function checkSubscribeOptions(options: SubscribeOptions): void {
  try {
    parsePayload(subscribeOptionsSchema, options, 'subscribe');
  } catch (error) {
    throw error instanceof SchedError ? new SchedClientError(error.code, error.message, error.details) : error;
  }
}
