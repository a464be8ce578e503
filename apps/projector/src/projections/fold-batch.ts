import { parseStreamId, runIdOfStream, upcast, type RecordedEvent } from '@sched/contracts';
import { attemptOf, attemptProjection, type AttemptRow } from './attempt.projection';
import { executionProjection, type ExecutionRow } from './execution.projection';
import { project } from './projection';
import { taskExecutionsProjection, type ExecutionChange } from './task-executions.projection';
import { taskStatsProjection, type StatsChange, type TaskStatsRow } from './task-stats.projection';
import { taskProjection, type TaskRow } from './task.projection';
import { workflowRunProjection, type WorkflowRunRow } from './workflow-run.projection';

/** Where the fold reads rows it has not seen in this batch yet (the SQLite tables, or a map in tests). */
export interface RowSource {
  task(taskId: string): TaskRow | null;
  execution(executionId: string): ExecutionRow | null;
  attempt(executionId: string, attempt: number): AttemptRow | null;
  stats(taskId: string): TaskStatsRow | null;
  workflowRun(runId: string): WorkflowRunRow | null;
}

/** Attempts are keyed by execution and attempt number. */
export const attemptKey = (executionId: string, attempt: number): string => `${executionId}/${attempt}`;

/** The rows a batch changed, each in its final state: written once per batch however many events touched it. */
export interface BatchChanges {
  readonly tasks: ReadonlyMap<string, TaskRow>;
  readonly executions: ReadonlyMap<string, ExecutionRow>;
  readonly attempts: ReadonlyMap<string, AttemptRow>;
  readonly stats: ReadonlyMap<string, TaskStatsRow>;
  readonly workflowRuns: ReadonlyMap<string, WorkflowRunRow>;
}

/** Rows read once per batch, then kept in memory: a hot execution's 4-5 events cost one read and one write. */
class RowCache<Row> {
  private readonly rows = new Map<string, Row | null>();
  readonly changed = new Map<string, Row>();

  constructor(private readonly load: (id: string) => Row | null) {}

  get(id: string): Row | null {
    let row = this.rows.get(id);
    if (row === undefined) this.rows.set(id, (row = this.load(id)));
    return row;
  }

  /** Records the projection's answer; `project` returns the same object when nothing changed. */
  put(id: string, before: Row | null, after: Row | null): void {
    if (after === before || after === null) return;
    this.rows.set(id, after);
    this.changed.set(id, after);
  }
}

/**
 * Folds a batch of events, in commit order, into the rows they change. Pure apart from `source` reads, so the
 * caller decides where (and in which transaction) the result goes.
 */
export function foldBatch(events: Iterable<RecordedEvent>, source: RowSource): BatchChanges {
  const tasks = new RowCache<TaskRow>((id) => source.task(id));
  const executions = new RowCache<ExecutionRow>((id) => source.execution(id));
  const attempts = new RowCache<AttemptRow>((key) => {
    const slash = key.lastIndexOf('/');
    return source.attempt(key.slice(0, slash), Number(key.slice(slash + 1)));
  });
  const stats = new RowCache<TaskStatsRow>((id) => source.stats(id));
  const workflowRuns = new RowCache<WorkflowRunRow>((id) => source.workflowRun(id));
  for (const stored of events) {
    const runId = runIdOfStream(stored.streamId);
    if (runId !== undefined) {
      const before = workflowRuns.get(runId);
      workflowRuns.put(runId, before, project(workflowRunProjection, before, upcast(stored)));
      continue;
    }
    const stream = parseStreamId(stored.streamId);
    if (!stream) continue; // streams of other read models (none yet) pass by; the checkpoint still moves
    const event = upcast(stored);
    if (stream.category === 'task') {
      const before = tasks.get(stream.id);
      tasks.put(stream.id, before, project(taskProjection, before, event));
      continue;
    }
    const before = executions.get(stream.id);
    const after = project(executionProjection, before, event);
    if (!after || after === before) continue;
    executions.put(stream.id, before, after);
    const task = tasks.get(after.taskId);
    const change: ExecutionChange = { type: event.type, position: event.position, before, after };
    tasks.put(after.taskId, task, project(taskExecutionsProjection, task, change));

    // A TaskCancelled may leave the attempt out: it ends the one running, if any.
    const attempt = attemptOf(event) ?? (event.type === 'TaskCancelled' && before && before.attempt > 0 ? before.attempt : undefined);
    let attemptBefore: AttemptRow | null | undefined;
    let attemptAfter: AttemptRow | null | undefined;
    if (attempt !== undefined) {
      const key = attemptKey(stream.id, attempt);
      attemptBefore = attempts.get(key);
      const attemptEvent = { event, type: event.type, position: event.position, taskId: after.taskId, executionId: stream.id };
      attemptAfter = project(attemptProjection, attemptBefore, attemptEvent);
      attempts.put(key, attemptBefore, attemptAfter);
    }
    const statsBefore = stats.get(after.taskId);
    const statsChange: StatsChange = { type: event.type, position: event.position, before, after, attemptBefore, attemptAfter };
    stats.put(after.taskId, statsBefore, project(taskStatsProjection, statsBefore, statsChange));
  }
  return { tasks: tasks.changed, executions: executions.changed, attempts: attempts.changed, stats: stats.changed, workflowRuns: workflowRuns.changed };
}
