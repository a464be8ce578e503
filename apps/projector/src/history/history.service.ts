import { Inject, Injectable } from '@nestjs/common';
import {
  parseStreamId,
  runIdOfStream,
  toExecutionStreamId,
  toTaskStreamId,
  toWorkflowStreamId,
  notFound,
  type AuditReport,
  type AuditVerifyQuery,
  type BrokenLink,
  type HistoryPage,
  type HistoryQuery,
  type RecordedEvent,
} from '@sched/contracts';
import { CorruptCommitError, MAX_EVENTS_PER_APPEND, OffChainCommitError, commitSequenceOf, toPosition, type EventStore } from '@sched/event-store';
import { EVENT_STORE } from '@sched/messaging';
import { ProjectorService } from '../projector.service';
import { MIN_POSITION_WAIT_MS } from '../queries/read-your-writes';
import { ReplyBudget } from '../queries/reply-budget';
import { ReadModelStore } from '../store/read-model.store';
import { AUDIT_MAX_BROKEN, AUDIT_TIME_MS, auditPage } from './audit-page';
import { fitPage, mergeStreams, pageOrder, readLogBackward, type LogScan, type PageSpec, type StreamReach } from './history-page';
/** How long a history page reads the log before it answers with what it found and where to go on (nextCursor). */
export const SCAN_TIME_MS = 2_000;
/** A stream read (a round trip or more) costs about as much as reading this many events of the log in a row. */
const STREAM_READ_COST = 20;
/** Events in an execution's stream, about: TaskDue, TaskStarted, and its end. */
const EVENTS_PER_STREAM = 3;

/**
 * What reading a task's page stream by stream costs, in log events: every stream that reaches across the cursor
 * (none can be left out by where it starts or ends), and those that begin within the page.
 */
function mergeCost(streams: readonly StreamReach[], page: PageSpec, head: number): number {
  const comesAfter = pageOrder(page.direction);
  const straddling = streams.filter((stream) => comesAfter(page.cursor, Math.min(stream.reach, head)) >= 0).length;
  return STREAM_READ_COST * (straddling + page.limit / EVENTS_PER_STREAM);
}

/** About what share of the log's events on the page's side of the cursor are the task's (1 after a backfill). */
function taskDensity(streamCount: number, page: PageSpec, head: number): number {
  const [from, to] = page.direction === 'forward' ? [page.cursor, head] : [0, page.cursor];
  const commits = Math.max(1, commitSequenceOf(to) - commitSequenceOf(from));
  return Math.min(1, (streamCount * EVENTS_PER_STREAM) / commits);
}

/**
 * The audit side of the log: history pages, hash-chain verification. Events come from the event store; the read
 * models only say which executions and workflow runs belong to a task and where each one's stream starts in the log.
 */
@Injectable()
export class HistoryService {
  /** How long a page reads the log (see SCAN_TIME_MS); tests shorten it. */
  scanTimeMs = SCAN_TIME_MS;
  /** How long an audit request verifies streams (see AUDIT_TIME_MS); tests shorten it. */
  auditTimeMs = AUDIT_TIME_MS;

  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    private readonly store: ReadModelStore,
    private readonly projector: ProjectorService,
    private readonly budget: ReplyBudget = new ReplyBudget(),
  ) {}

  async page(query: HistoryQuery): Promise<HistoryPage> {
    const head = await this.eventStore.headPosition();
    const types = query.types && query.types.length > 0 ? new Set(query.types) : undefined;
    const keep = (event: RecordedEvent): boolean => !types || types.has(event.type);
    const backward = query.direction === 'backward';
    // Forward pages start after the cursor; backward pages end before it (by default: past the head, so from the latest).
    const cursor = backward ? (query.beforePosition ?? head + 1) : (query.afterPosition ?? 0);
    const fromTheStart = backward ? query.beforePosition === undefined : cursor === 0;
    const page = { direction: query.direction, cursor, limit: query.limit };
    let candidates: LogScan & { unread?: boolean };
    if (query.taskId) {
      candidates = await this.taskPage(query.taskId, page, head, keep, fromTheStart);
    } else if (query.executionId) {
      const events = await this.eventStore.read(toExecutionStreamId(query.executionId));
      if (events.length === 0) throw notFound('Execution', query.executionId);
      const kept = events.filter((event) => (backward ? event.position < cursor : event.position > cursor) && keep(event));
      candidates = { events: backward ? kept.reverse() : kept, unread: false };
    } else {
      // `keep` judges the types, not the store's filter: the scan must see every event to stop when its time is up.
      candidates = await this.scanLog(page, head, keep);
    }
    const taskIdOf = query.taskId ? () => query.taskId : this.taskIdsOfStreams();
    const { entries, more } = fitPage(candidates.events, query.limit, this.budget.bytes(), taskIdOf);
    const last = entries[entries.length - 1];
    if (more || candidates.unread) return { events: entries, nextCursor: last?.position ?? cursor, head };
    // The scan ran out of time before the page was full: the next page goes on from where it got to.
    return candidates.resumeAt === undefined ? { events: entries, head } : { events: entries, nextCursor: candidates.resumeAt, head };
  }

  /**
   * A page of a task's history, up to the head read before its streams were listed: a commit made since to a stream
   * read early would be missing while one read late is in, and the next page, after the latter, would skip the former.
   * Streams that reach across the cursor cannot be left out by where they start or end: where the task's events are
   * dense in the log (a backfill's thousands of executions, all due early, all ending late) the log itself is read
   * from the cursor, keeping the task's events, instead of every such stream in full for every page.
   */
  private async taskPage(taskId: string, page: PageSpec, head: number, keep: (event: RecordedEvent) => boolean, fromTheStart: boolean) {
    const streams = await this.streamsOfTask(taskId, head, page.direction === 'forward' ? { after: page.cursor } : { before: page.cursor });
    // A task with no stream and no executions never existed: a mistyped id must not read as an empty history.
    if (fromTheStart && streams.length === 1 && (await this.eventStore.read(streams[0].streamId)).length === 0) throw notFound('Task', taskId);
    if (mergeCost(streams, page, head) <= page.limit / taskDensity(streams.length, page, head)) {
      return mergeStreams(streams, (id) => this.eventStore.read(id), page, (event) => event.position <= head && keep(event));
    }
    const ofTask = new Set(streams.map((stream) => stream.streamId));
    return this.scanLog(page, head, (event) => ofTask.has(event.streamId) && keep(event));
  }

  /**
   * The page's events from the log itself, up to the head (forward from the cursor, or backward before it), for at
   * most SCAN_TIME_MS: a filter that matches little reads far (`types` of something rare: the whole log, 370 MiB,
   * past the caller's timeout and on for 45 s after it). Out of time, it says where the next page resumes.
   */
  private async scanLog(page: PageSpec, head: number, keep: (event: RecordedEvent) => boolean): Promise<LogScan> {
    const store = this.eventStore;
    const deadline = Date.now() + this.scanTimeMs;
    let scanned = page.cursor;
    let outOfTime = false;
    // Forward, a read stops when the time is up; backward, each window is read whole (its latest events are last).
    const readAfter = async function* (after: number, stopInTime = false): AsyncGenerator<RecordedEvent> {
      for await (const event of store.readAll({ from: { after } })) {
        if (event.position > head) return;
        scanned = event.position;
        if (keep(event)) yield event;
        if (stopInTime && Date.now() > deadline) return void (outOfTime = true);
      }
    };
    if (page.direction === 'backward') return readLogBackward(readAfter, page.cursor, page.limit, (page.limit + 1) * MAX_EVENTS_PER_APPEND, deadline);
    const events: RecordedEvent[] = [];
    if (page.cursor >= head) return { events };
    // One more than the page, so the caller knows there is more.
    for await (const event of readAfter(page.cursor, true)) if (events.push(event) > page.limit) break;
    return outOfTime && events.length <= page.limit ? { events, resumeAt: scanned } : { events };
  }

  /**
   * Recomputes the hash chains of a task's streams (a page at a time, see auditPage) or of one execution's. A stream
   * the read models know (the task, an execution, a run) but the log lacks altogether is broken too; nothing known
   * and nothing in the log is NOT_FOUND: an audit of a mistyped id must not answer "every hash chain holds".
   */
  async verify(query: AuditVerifyQuery): Promise<AuditReport> {
    const limits = { timeMs: this.auditTimeMs, maxBroken: AUDIT_MAX_BROKEN };
    const read = (streamId: string) => this.readForAudit(streamId);
    const head = await this.eventStore.headPosition();
    if (query.executionId) {
      await this.projector.waitForPosition(head, MIN_POSITION_WAIT_MS);
      const streamId = toExecutionStreamId(query.executionId);
      const known = this.store.execution(query.executionId) !== null;
      const report = await auditPage([{ streamId, reach: 0 }], read, limits, known ? undefined : streamId);
      if (report.streams === 0) throw notFound('Execution', query.executionId);
      return report;
    }
    const taskId = query.taskId!;
    const after = query.afterPosition ?? -1;
    // Rows past the cursor only (a stream that starts after it has an event after it): each page reads its own.
    const streams = (await this.streamsOfTask(taskId, head, { after: Math.max(0, after) })).filter((stream) => stream.reach > after);
    const known = this.store.task(taskId) !== null;
    const report = await auditPage(streams, read, limits, known ? undefined : toTaskStreamId(taskId));
    if (report.streams === 0 && query.afterPosition === undefined) throw notFound('Task', taskId);
    return report;
  }

  /**
   * A stream's events, every commit stored for it (verbatim: one published around the store cannot hide others), or
   * the message on its subject that is no event commit or does not continue the stream (the read stops there).
   */
  private readForAudit(streamId: string): Promise<readonly RecordedEvent[] | BrokenLink> {
    const at = (seq: number, reason: BrokenLink['reason'], expected: string, actual: string): BrokenLink =>
      ({ streamId, revision: -1, eventId: '', position: toPosition(seq, 0), reason, expected, actual });
    return this.eventStore.read(streamId, { verbatim: true }).catch((error: unknown) => {
      if (error instanceof CorruptCommitError) return at(error.seq, 'not-an-event', 'an event commit', error.message);
      if (error instanceof OffChainCommitError) return at(error.seq, 'off-chain', error.expected, error.actual);
      throw error;
    });
  }

  /**
   * The task's own stream, then every execution and workflow run of it with an event after `after` (or one that
   * started before `before`), with where each reaches that side of the log: where it starts (its TaskDue, its
   * WorkflowStarted) after a cursor, where it ends (its latest event) before one; the task's own stream reaches
   * anywhere, so it is read first either way. Waits until the read models include the head, so every execution and
   * run committed before the query is known. A step's execution belongs to its pseudo task, not to this one.
   */
  private async streamsOfTask(taskId: string, head: number, range: { after: number } | { before: number }): Promise<StreamReach[]> {
    await this.projector.waitForPosition(head, MIN_POSITION_WAIT_MS);
    const forward = 'after' in range;
    const [executions, runs, bound] = forward
      ? ['due_position AS reach FROM executions WHERE task_id = ? AND position > ?', 'start_position FROM workflow_runs WHERE task_id = ? AND position > ?', range.after]
      : ['position AS reach FROM executions WHERE task_id = ? AND due_position < ?', 'position FROM workflow_runs WHERE task_id = ? AND start_position < ?', range.before];
    const rows = this.store.db
      .prepare(`SELECT 'execution' AS kind, execution_id AS id, ${executions} UNION ALL SELECT 'workflow', run_id, ${runs} ORDER BY reach ${forward ? 'ASC' : 'DESC'}`)
      .all(taskId, bound, taskId, bound) as { kind: 'execution' | 'workflow'; id: string; reach: number }[];
    return [
      { streamId: toTaskStreamId(taskId), reach: forward ? 0 : Number.MAX_SAFE_INTEGER },
      ...rows.map(({ kind, id, reach }) => ({ streamId: kind === 'execution' ? toExecutionStreamId(id) : toWorkflowStreamId(id), reach })),
    ];
  }

  /**
   * The task each stream belongs to, as the relay names it on live events: a task stream's own id, an execution's or
   * a workflow run's task from the read models (one lookup per stream of the page).
   */
  private taskIdsOfStreams(): (streamId: string) => string | undefined {
    const known = new Map<string, string | undefined>();
    const lookUp = (streamId: string): string | undefined => {
      const stream = parseStreamId(streamId);
      if (stream?.category === 'task') return stream.id;
      if (stream?.category === 'execution') return this.store.execution(stream.id)?.taskId;
      const runId = runIdOfStream(streamId);
      return runId === undefined ? undefined : this.store.workflowRun(runId)?.taskId;
    };
    return (streamId) => {
      if (!known.has(streamId)) known.set(streamId, lookUp(streamId));
      return known.get(streamId);
    };
  }
}
