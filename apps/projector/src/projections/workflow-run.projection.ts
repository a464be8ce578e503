import {
  WORKFLOW_EVENT_SCHEMAS,
  type ExecutionError,
  type RecordedEvent,
  type StepSkipReason,
  type TriggerRule,
  type WorkflowEvent,
  type WorkflowRunStatus,
  type WorkflowStepStatus,
} from '@sched/contracts';
import { assertNever } from '@sched/domain';
import { occurredMs, toMs, type Projection, type Recorded } from './projection';

export interface WorkflowStepRow {
  readonly id: string;
  readonly executor: string;
  readonly dependsOn: readonly string[];
  readonly triggerRule: TriggerRule;
  readonly status: WorkflowStepStatus;
  readonly executionId?: string;
  readonly scheduledAt?: number;
  readonly endedAt?: number;
  readonly result?: unknown;
  readonly error?: ExecutionError;
  readonly skipReason?: StepSkipReason;
  readonly reusedFrom?: string;
}

/** One row of `workflow_runs`: a run and its steps (in declaration order). Times are epoch ms. */
export interface WorkflowRunRow {
  readonly runId: string;
  readonly taskId: string;
  readonly status: WorkflowRunStatus;
  readonly mode: 'parallel' | 'serial';
  readonly onFailure: 'stop' | 'continue';
  readonly maxParallel: number;
  readonly resumedFrom?: string;
  /** The run this one was resumed as (WorkflowResumed on this run). */
  readonly resumedAs?: string;
  readonly startedAt: number;
  readonly endedAt?: number;
  readonly durationMs?: number;
  readonly steps: readonly WorkflowStepRow[];
  readonly updatedAt: number;
  /** Global position of the run's first event (WorkflowStarted): task history merges its stream in by it. */
  readonly startPosition: number;
  readonly position: number;
}

export const WORKFLOW_EVENT_TYPES = Object.keys(WORKFLOW_EVENT_SCHEMAS) as readonly WorkflowEvent['type'][];

const withStep = (row: WorkflowRunRow, stepId: string, change: Partial<WorkflowStepRow>): WorkflowRunRow => ({
  ...row,
  steps: row.steps.map((step) => (step.id === stepId ? { ...step, ...change } : step)),
});

/** Follows the workflow decider's events (libs/domain/src/workflow), so the read model never disagrees with it. */
export const workflowRunProjection: Projection<WorkflowRunRow> = {
  name: 'workflow_runs',
  handles: WORKFLOW_EVENT_TYPES,
  evolve(row: WorkflowRunRow | null, event: RecordedEvent): WorkflowRunRow | null {
    const e = event as Recorded<WorkflowEvent>;
    const at = occurredMs(e);
    if (e.type === 'WorkflowStarted') {
      if (row) return row;
      const { runId, taskId, definition, resumedFrom, startedAt } = e.data;
      const steps = definition.steps.map(({ id, executor, dependsOn, triggerRule }): WorkflowStepRow => ({ id, executor, dependsOn, triggerRule, status: 'pending' }));
      const { mode, onFailure, maxParallel } = definition;
      const started = { startedAt: toMs(startedAt), updatedAt: at, startPosition: e.position, position: e.position };
      return { runId, taskId, status: 'running', mode, onFailure, maxParallel, resumedFrom, steps, ...started };
    }
    if (!row) return null;
    const next = { ...row, updatedAt: at, position: e.position };
    switch (e.type) {
      case 'StepScheduled':
        return withStep(next, e.data.stepId, { status: 'running', executionId: e.data.executionId, scheduledAt: at });
      case 'StepSucceeded': {
        const { stepId, executionId, result, reusedFrom } = e.data;
        return withStep(next, stepId, { status: 'succeeded', executionId, result, reusedFrom, endedAt: at });
      }
      case 'StepFailed':
        return withStep(next, e.data.stepId, { status: 'failed', error: e.data.error, endedAt: at });
      case 'StepSkipped':
        return withStep(next, e.data.stepId, { status: 'skipped', skipReason: e.data.reason, endedAt: at });
      case 'StepCancelled':
        return withStep(next, e.data.stepId, { status: 'cancelled', endedAt: at });
      case 'WorkflowCancelRequested':
        return { ...next, status: 'cancelling' };
      case 'WorkflowSucceeded':
        return { ...next, status: 'succeeded', endedAt: at, durationMs: e.data.durationMs };
      case 'WorkflowFailed':
        return { ...next, status: 'failed', endedAt: at, durationMs: e.data.durationMs };
      case 'WorkflowCancelled':
        return { ...next, status: 'cancelled', endedAt: at, durationMs: e.data.durationMs };
      case 'WorkflowResumed':
        return { ...next, resumedAs: e.data.runId };
      default:
        return assertNever(e);
    }
  },
};
