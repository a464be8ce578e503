import { Injectable } from '@nestjs/common';
import {
  notFound,
  workflowStepStatuses,
  type GetWorkflowRunQuery,
  type ListWorkflowRunsQuery,
  type Page,
  type WorkflowRunView,
  type WorkflowStepStatus,
  type WorkflowStepView,
} from '@sched/contracts';
import type { WorkflowRunRow, WorkflowStepRow } from '../projections';
import { ProjectorService } from '../projector.service';
import { ReadModelStore } from '../store/read-model.store';
import { recordToWorkflowRun, type WorkflowRunRecord } from '../store/workflow-runs.table';
import { keysetPage, Where, type KeysetOrder } from './keyset-page';
import { fitRun } from './fit-views';
import { caughtUpTo, findOne } from './read-your-writes';
import { ReplyBudget } from './reply-budget';

const RUN_ORDER: KeysetOrder = { table: 'workflow_runs', sortColumn: 'started_at', idColumn: 'run_id', direction: 'DESC' };
const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

function counts(steps: readonly WorkflowStepRow[]): Record<WorkflowStepStatus, number> {
  const byStatus = Object.fromEntries(workflowStepStatuses.map((status) => [status, 0])) as Record<WorkflowStepStatus, number>;
  for (const step of steps) byStatus[step.status] += 1;
  return byStatus;
}

function toRunView(row: WorkflowRunRow, steps?: readonly WorkflowStepView[]): WorkflowRunView {
  const { steps: stepRows, startedAt, endedAt, updatedAt: _updatedAt, startPosition: _startPosition, ...fields } = row;
  return { ...fields, startedAt: iso(startedAt)!, endedAt: iso(endedAt), counts: counts(stepRows), ...(steps ? { steps } : {}) };
}

/** `sched.query.workflow.{get,list}` from the `workflow_runs` read model; a step's attempt comes from `executions`. */
@Injectable()
export class WorkflowQueries {
  constructor(
    private readonly store: ReadModelStore,
    private readonly projector: ProjectorService,
    private readonly budget: ReplyBudget,
  ) {}

  async getRun(query: GetWorkflowRunQuery): Promise<WorkflowRunView> {
    const row = await findOne(this.projector, query.minPosition, () => this.store.workflowRun(query.runId));
    if (!row) throw notFound('Run', query.runId);
    return fitRun(toRunView(row, row.steps.map((step) => this.toStepView(step))), this.budget.bytes());
  }

  /** Newest run first. */
  async listRuns(query: ListWorkflowRunsQuery): Promise<Page<WorkflowRunView>> {
    await caughtUpTo(this.projector, query.minPosition);
    const where = new Where().add('task_id = ?', query.taskId).add('status = ?', query.status);
    const toView = (record: WorkflowRunRecord) => toRunView(recordToWorkflowRun(record));
    // A listed run has no steps: nothing in it grows, so nothing to cut.
    return keysetPage(this.store.db, RUN_ORDER, { where, limit: query.limit, cursor: query.cursor }, toView, { maxBytes: this.budget.bytes(), shrink: (run) => run });
  }

  private toStepView(step: WorkflowStepRow): WorkflowStepView {
    const { scheduledAt, endedAt, ...fields } = step;
    // A reused step's execution belongs to the earlier run: its attempts are not this run's.
    const execution = step.executionId && !step.reusedFrom ? this.store.execution(step.executionId) : null;
    return {
      ...fields,
      scheduledAt: iso(scheduledAt),
      endedAt: iso(endedAt),
      ...(execution ? { attempt: execution.attempt, executionStatus: execution.status, ...(execution.progress ? { progress: execution.progress } : {}) } : {}),
    };
  }
}
