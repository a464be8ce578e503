import type { RemovableTaskField, TaskDefinition, TaskDefinitionChanges } from '@sched/contracts';

export type TaskCommand =
  | {
      readonly type: 'CreateTask';
      /**
       * `enabled: false` creates it disabled (TaskCreated + TaskDisabled in one commit). `nowMs`: the instant it is
       * recorded at (its TaskCreated's occurredAt), for schedules that could never fire (assertSchedulesCanFire).
       */
      readonly data: { readonly taskId: string; readonly definition: TaskDefinition; readonly enabled?: boolean; readonly nowMs: number };
    }
  | { readonly type: 'DisableTask'; readonly data: { readonly taskId: string; readonly reason?: string } }
  | { readonly type: 'EnableTask'; readonly data: { readonly taskId: string } }
  | {
      readonly type: 'UpdateTask';
      /** `removed`: optional fields to take away (those the task has; the others are no change). */
      readonly data: { readonly taskId: string; readonly changes: TaskDefinitionChanges; readonly removed?: readonly RemovableTaskField[]; readonly nowMs: number };
    }
  | {
      readonly type: 'PauseTask';
      /**
       * `afterFailureOf`: the execution whose failure pauses the task (its pauseOnFailure); acted on once. `untilMs`:
       * the pause lapses then by itself. `nowMs`: the instant it is decided at (a lapsed pause is no pause).
       */
      readonly data: { readonly taskId: string; readonly note?: string; readonly afterFailureOf?: string; readonly untilMs?: number; readonly nowMs: number };
    }
  /** `nowMs`: a pause whose end (until) has come is over already: resuming it is no change. */
  | { readonly type: 'ResumeTask'; readonly data: { readonly taskId: string; readonly nowMs: number } }
  /**
   * `cancelPending`: the caller cancels the task's executions not over yet once the delete is recorded; on a task
   * deleted already that is what is left to do (a retry of a delete that stopped before its cancels), so no change.
   */
  | { readonly type: 'DeleteTask'; readonly data: { readonly taskId: string; readonly reason?: string; readonly cancelPending?: boolean } }
  | {
      readonly type: 'TriggerTask';
      /** `config`: the run's own executor config (the task's with a patch applied, validated by the caller). */
      readonly data: { readonly taskId: string; readonly executionId: string; readonly config?: Readonly<Record<string, unknown>> };
    }
  | {
      readonly type: 'BackfillTask';
      readonly data: {
        readonly taskId: string;
        readonly backfillId: string;
        readonly fromMs: number;
        readonly toMs: number;
        readonly nowMs: number;
      };
    };
