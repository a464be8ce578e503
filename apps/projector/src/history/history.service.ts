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
import { CorruptCommitError, auditStreams, toPosition, type EventStore } from '@sched/event-store';
import { EVENT_STORE } from '@sched/messaging';
import { ProjectorService } from '../projector.service';
import { MIN_POSITION_WAIT_MS } from '../queries/read-your-writes';
import { ReplyBudget } from '../queries/reply-budget';
import { ReadModelStore } from '../store/read-model.store';
import { fitPage, mergeStreams, type StreamStart } from './history-page';
/** Streams an audit reads at once. */
const AUDIT_PARALLELISM = 16;

/**
 * The audit side of the log: history pages, hash-chain verification. Events come from the event store; the read
 * models only say which executions and workflow runs belong to a task and where each one's stream starts in the log.
 */
@Injectable()
export class HistoryService {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    private readonly store: ReadModelStore,
    private readonly projector: ProjectorService,
    private readonly budget: ReplyBudget = new ReplyBudget(),
  ) {}

  async page(query: HistoryQuery): Promise<HistoryPage> {
    const head = await this.eventStore.headPosition();
    const after = query.afterPosition ?? 0;
    const types = query.types && query.types.length > 0 ? new Set(query.types) : undefined;
    const keep = (event: RecordedEvent): boolean => !types || types.has(event.type);
    let candidates: { events: RecordedEvent[]; unread: boolean };
    if (query.taskId) {
      const streams = await this.streamsOfTask(query.taskId, head, after);
      // A task with no stream and no executions never existed: a mistyped id must not read as an empty history.
      if (after === 0 && streams.length === 1 && (await this.eventStore.read(streams[0].streamId)).length === 0) throw notFound('Task', query.taskId);
      candidates = await mergeStreams(streams, (id) => this.eventStore.read(id), after, query.limit, keep);
    } else if (query.executionId) {
      const events = await this.eventStore.read(toExecutionStreamId(query.executionId));
      if (events.length === 0) throw notFound('Execution', query.executionId);
      candidates = { events: events.filter((event) => event.position > after && keep(event)), unread: false };
    } else {
      candidates = await this.logAfter(after, head, query.limit, query.types);
    }
    const taskIdOf = query.taskId ? () => query.taskId : this.taskIdsOfStreams();
    const { entries, more } = fitPage(candidates.events, query.limit, this.budget.bytes(), taskIdOf);
    const last = entries[entries.length - 1];
    return more || candidates.unread ? { events: entries, nextCursor: last?.position ?? after, head } : { events: entries, head };
  }

  async verify(query: AuditVerifyQuery): Promise<AuditReport> {
    const streamIds = query.taskId
      ? (await this.streamsOfTask(query.taskId, await this.eventStore.headPosition(), 0)).map((stream) => stream.streamId)
      : [toExecutionStreamId(query.executionId!)];
    const streams: (RecordedEvent[] | BrokenLink)[] = [];
    for (let i = 0; i < streamIds.length; i += AUDIT_PARALLELISM) {
      streams.push(...(await Promise.all(streamIds.slice(i, i + AUDIT_PARALLELISM).map((id) => this.readForAudit(id)))));
    }
    const recorded = streams.filter((events): events is RecordedEvent[] => Array.isArray(events) && events.length > 0);
    const unreadable = streams.filter((stream): stream is BrokenLink => !Array.isArray(stream));
    // Nothing to verify is no verdict: an audit of a mistyped id must not answer "every hash chain holds".
    if (recorded.length === 0 && unreadable.length === 0) throw query.taskId ? notFound('Task', query.taskId) : notFound('Execution', query.executionId!);
    const report = auditStreams(recorded);
    if (unreadable.length === 0) return report;
    const broken = [...report.broken, ...unreadable].sort((a, b) => a.position - b.position);
    return { ...report, ok: false, streams: report.streams + unreadable.length, broken };
  }

  /** A stream's events, or the message on its subject that is no event commit (the store refuses to read past it). */
  private readForAudit(streamId: string): Promise<RecordedEvent[] | BrokenLink> {
    return this.eventStore.read(streamId).catch((error: unknown) => {
      if (!(error instanceof CorruptCommitError)) throw error;
      const position = toPosition(error.seq, 0);
      return { streamId, revision: -1, eventId: '', position, reason: 'not-an-event', expected: 'an event commit', actual: error.message };
    });
  }

  /**
   * The task's own stream, then every execution and workflow run of it with an event after `after`, by where each
   * starts (its TaskDue, its WorkflowStarted). Waits until the read models include the head, so every execution
   * and run committed before the query is known. A step's execution belongs to its pseudo task, not to this one.
   */
  private async streamsOfTask(taskId: string, head: number, after: number): Promise<StreamStart[]> {
    await this.projector.waitForPosition(head, MIN_POSITION_WAIT_MS);
    const rows = this.store.db
      .prepare(
        "SELECT 'execution' AS kind, execution_id AS id, due_position AS start FROM executions WHERE task_id = ? AND position > ? " +
          "UNION ALL SELECT 'workflow', run_id, start_position FROM workflow_runs WHERE task_id = ? AND position > ? ORDER BY start",
      )
      .all(taskId, after, taskId, after) as { kind: 'execution' | 'workflow'; id: string; start: number }[];
    return [
      { streamId: toTaskStreamId(taskId), start: 0 },
      ...rows.map(({ kind, id, start }) => ({ streamId: kind === 'execution' ? toExecutionStreamId(id) : toWorkflowStreamId(id), start })),
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

  /** The whole log after `after` up to the head, one more event than the page so the caller knows there is more. */
  private async logAfter(after: number, head: number, limit: number, types?: readonly string[]): Promise<{ events: RecordedEvent[]; unread: boolean }> {
    const events: RecordedEvent[] = [];
    if (after >= head) return { events, unread: false };
    const filter = types && types.length > 0 ? { eventTypes: types } : undefined;
    for await (const event of this.eventStore.readAll({ from: { after }, filter })) {
      events.push(event);
      if (events.length > limit) break;
    }
    return { events, unread: false };
  }
}
