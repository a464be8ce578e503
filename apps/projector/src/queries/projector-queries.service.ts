import { Injectable } from '@nestjs/common';
import {
  notFound,
  type ExecutionView,
  type GetExecutionQuery,
  type GetTaskQuery,
  type ListExecutionsQuery,
  type ListTasksQuery,
  type OverallStatsView,
  type Page,
  type StatsQuery,
  type TaskStatsView,
  type TaskStateName,
  type TaskView,
} from '@sched/contracts';
import { ProjectorService } from '../projector.service';
import { ReadModelStore } from '../store/read-model.store';
import { TIMED_ATTEMPT } from '../store/attempts.table';
import { recordToExecution, type ExecutionRecord } from '../store/executions.table';
import { recordToTask, type TaskRecord } from '../store/tasks.table';
import { fitExecution, fitListedExecution, fitTaskView } from './fit-views';
import { filteredKeysetPage, keysetPage, Where, type KeysetOrder } from './keyset-page';
import { overallStats, stepCounts } from './overall-stats';
import { caughtUpTo, findOne } from './read-your-writes';
import { ReplyBudget } from './reply-budget';
import { liveCountsOf, taskScheduleStatus, toAttemptView, toExecutionView, toStatsView, toTaskView } from './views';

const TASK_ORDER: KeysetOrder = { table: 'tasks', sortColumn: 'created_at', idColumn: 'task_id', direction: 'ASC' };
const EXECUTION_ORDER: KeysetOrder = {
  table: 'executions',
  sortColumn: 'scheduled_at',
  idColumn: 'execution_id',
  direction: 'DESC',
};

/** Reads the SQLite read models and shapes them as the contracts' views. Throws SchedError; never builds replies. */
@Injectable()
export class ProjectorQueries {
  constructor(
    private readonly store: ReadModelStore,
    private readonly projector: ProjectorService,
    private readonly budget: ReplyBudget,
  ) {}

  async getTask(query: GetTaskQuery): Promise<TaskView> {
    const row = await findOne(this.projector, query.minPosition, () => this.store.task(query.taskId));
    if (!row) throw notFound('Task', query.taskId);
    return toTaskView(row, Date.now());
  }

  /** Oldest task first. */
  async listTasks(query: ListTasksQuery): Promise<Page<TaskView>> {
    await caughtUpTo(this.projector, query.minPosition);
    // Deleted tasks are listed only when asked for by state: gone is what a delete means to whoever lists tasks.
    const nowMs = Date.now();
    const where = new Where()
      .add(...stateCondition(query.state, nowMs))
      .add('executor = ?', query.executor)
      .add('name = ?', query.name)
      // instr, not LIKE: a user's % or _ is text to find; fold_case folds every letter's case (lower() only ASCII).
      .add('(instr(fold_case(name), fold_case(?)) > 0 OR instr(fold_case(task_id), fold_case(?)) > 0 OR instr(fold_case(description), fold_case(?)) > 0)', query.search, query.search, query.search);
    for (const tag of query.tag ?? []) where.add('EXISTS (SELECT 1 FROM json_each(tasks.tags) WHERE json_each.value = ?)', tag);
    const page = { where, limit: query.limit, cursor: query.cursor };
    const toView = (r: TaskRecord) => toTaskView(recordToTask(r), nowMs);
    // The schedule status depends on the clock (overdue, delayed): computed per task, filtered after SQL.
    const statuses = query.status;
    const fit = { maxBytes: this.budget.bytes(), shrink: fitTaskView };
    if (statuses === undefined) return keysetPage(this.store.db, TASK_ORDER, page, toView, fit);
    const keep = (r: TaskRecord) => statuses.includes(taskScheduleStatus(recordToTask(r), nowMs));
    return filteredKeysetPage(this.store.db, TASK_ORDER, page, toView, keep, fit);
  }

  async getExecution(query: GetExecutionQuery): Promise<ExecutionView> {
    const row = await findOne(this.projector, query.minPosition, () => this.store.execution(query.executionId));
    if (!row) throw notFound('Execution', query.executionId);
    const view = { ...toExecutionView(row), attempts: this.store.attemptsOf(query.executionId).map(toAttemptView) };
    return fitExecution(view, this.budget.bytes());
  }

  /**
   * One task: outcome counts and recent outcomes from task_stats, the p95 duration read off the attempts index, the
   * live counts (total, running, latest execution) from its task row; for a workflow step's `<taskId>:<stepId>`
   * (no task row, but executions across runs) from its executions.
   */
  async getStats(query: StatsQuery & { readonly taskId: string }): Promise<TaskStatsView> {
    const { taskId } = query;
    const task = await findOne(this.projector, query.minPosition, () => this.store.task(taskId));
    const live = task ? liveCountsOf(task) : stepCounts(this.store.db, taskId);
    if (!live) throw notFound('Task', taskId);
    const stats = this.store.stats(taskId);
    const p95 = stats && stats.timedAttempts > 0 ? this.durationPercentile(taskId, stats.timedAttempts, 0.95) : undefined;
    return toStatsView(taskId, live, stats, p95);
  }

  /** Every task's executions together (`sched.query.stats` without a taskId). */
  async getOverallStats(query: StatsQuery): Promise<OverallStatsView> {
    await caughtUpTo(this.projector, query.minPosition);
    return overallStats(this.store.db);
  }

  /** Newest scheduled first; `from` inclusive, `to` exclusive. */
  async listExecutions(query: ListExecutionsQuery): Promise<Page<ExecutionView>> {
    await caughtUpTo(this.projector, query.minPosition);
    const where = new Where()
      .add('task_id = ?', query.taskId)
      .add('status = ?', query.status)
      .add('scheduled_at >= ?', query.from === undefined ? undefined : Date.parse(query.from))
      .add('scheduled_at < ?', query.to === undefined ? undefined : Date.parse(query.to));
    const page = { where, limit: query.limit, cursor: query.cursor };
    const toView = (r: ExecutionRecord) => toExecutionView(recordToExecution(r));
    return keysetPage(this.store.db, EXECUTION_ORDER, page, toView, { maxBytes: this.budget.bytes(), shrink: fitListedExecution });
  }

  /** Nearest-rank percentile over the task's timed attempts, straight off the (task_id, duration_ms) index. */
  private durationPercentile(taskId: string, count: number, fraction: number): number | undefined {
    const offset = Math.max(0, Math.ceil(fraction * count) - 1);
    const row = this.store.db
      .prepare(`SELECT duration_ms FROM attempts WHERE task_id = ? AND ${TIMED_ATTEMPT} ORDER BY duration_ms LIMIT 1 OFFSET ?`)
      .get(taskId, offset) as { duration_ms: number } | undefined;
    return row?.duration_ms;
  }
}

/**
 * The SQL for a task state filter, as of `nowMs`: a pause whose end has come (paused_until) is active, though the
 * row still says paused (no event ends it). Deleted tasks are listed only when asked for by state.
 */
function stateCondition(state: TaskStateName | undefined, nowMs: number): [string, ...unknown[]] {
  switch (state) {
    case undefined:
      return ['state != ?', 'deleted'];
    case 'paused':
      return ["(state = ? AND (paused_until IS NULL OR paused_until > ?))", 'paused', nowMs];
    case 'active':
      return ["(state = ? OR (state = 'paused' AND paused_until <= ?))", 'active', nowMs];
    default:
      return ['state = ?', state];
  }
}
