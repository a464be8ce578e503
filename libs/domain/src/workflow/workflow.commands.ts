import type { ExecutionError, WorkflowDefinition } from '@sched/contracts';

/** What a step's execution ended with, as the workflow sees it. */
export type StepOutcome =
  | { readonly kind: 'succeeded'; readonly result?: unknown }
  | { readonly kind: 'failed'; readonly error: ExecutionError }
  | { readonly kind: 'cancelled'; readonly reason?: string }
  | { readonly kind: 'skipped' };

/** A step that succeeded in an earlier run, reused by a resumed run. */
export interface ReusedStep {
  readonly result?: unknown;
  readonly executionId?: string;
  /** The run it originally succeeded in. */
  readonly runId: string;
}

export type WorkflowCommand =
  | {
      readonly type: 'StartRun';
      readonly data: {
        readonly runId: string;
        readonly taskId: string;
        readonly definition: WorkflowDefinition;
        readonly resumedFrom?: string;
        readonly reused?: Readonly<Record<string, ReusedStep>>;
        readonly nowMs: number;
      };
    }
  | {
      readonly type: 'RecordStepOutcome';
      readonly data: { readonly stepId: string; readonly executionId: string; readonly outcome: StepOutcome; readonly nowMs: number };
    }
  | { readonly type: 'CancelRun'; readonly data: { readonly reason?: string; readonly nowMs: number } }
  /**
   * Resume the ended run `runId` as `newRunId`: once (a second resume is no change: the first's run is the answer),
   * unless the run it was resumed as is `neverStarted`: its execution ended before the run began (cancelled while
   * due), which left this run as it was.
   */
  | { readonly type: 'ResumeRun'; readonly data: { readonly runId: string; readonly newRunId: string; readonly neverStarted?: string } };
