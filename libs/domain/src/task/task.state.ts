import { applyTaskChanges, type TaskDefinition, type TaskEvent } from '@sched/contracts';
import { RecentIdSet } from './recent-id-set';

export type TaskState =
  | { readonly status: 'none' }
  | {
      readonly status: 'active' | 'paused' | 'deleted';
      readonly taskId: string;
      readonly definition: TaskDefinition;
      readonly pauseNote?: string;
      /** A pause that lapses by itself at this instant (epoch ms); see isPausedAt. */
      readonly pausedUntilMs?: number;
      /** Off the timer entirely (TaskDisabled), whatever `status` says; absent means enabled. */
      readonly disabled?: boolean;
      readonly disableReason?: string;
      /**
   * The last TRIGGER_IDS_KEPT execution ids triggered by hand (and `backfill:<id>`s, `paused-after:<executionId>`s),
   * so a retried trigger, backfill or pause on failure acts once.
   */
      readonly triggeredExecutionIds: ReadonlySet<string>;
    };

/** A task that was created (it may since be paused or deleted). */
export type KnownTaskState = Exclude<TaskState, { status: 'none' }>;

/**
 * How many of a task's latest trigger ids it remembers. A retry of a trigger (same commandId) acts once while fewer
 * than this many other triggers of the task came after it; a later one records a second TaskTriggered, and its
 * execution still runs once (the TaskDue is appended with "stream must not exist"). Bounds what folding a task
 * holds: a task triggered every second had every id of its life in memory (~1.5 MB a week) in every command
 * handler's kept state.
 */
export const TRIGGER_IDS_KEPT = 10_000;

/** Shared by every task never triggered by hand: a Set per task costs ~200 bytes, times a million tasks. */
const NO_TRIGGERS = RecentIdSet.empty(TRIGGER_IDS_KEPT);

/** The ids with one more: O(1) per event (a task triggered every second has tens of thousands of them). */
const withTrigger = (ids: ReadonlySet<string>, id: string): ReadonlySet<string> =>
  (ids instanceof RecentIdSet ? ids : RecentIdSet.of(ids, TRIGGER_IDS_KEPT)).with(id);

export const initialTaskState = (): TaskState => ({ status: 'none' });

/** The key in triggeredExecutionIds of a pause caused by an execution's failure (pauseOnFailure acts once). */
export const pausedAfterKey = (executionId: string): string => `paused-after:${executionId}`;

/**
 * Whether a task is paused at an instant: a pause with `until` lapses then by itself, no event marks it (as maxFires
 * is counted, never stored), so the timer, the read models and the decider all agree on when it ends.
 */
export const isPausedAt = (task: { readonly status: string; readonly pausedUntilMs?: number }, atMs: number): boolean =>
  task.status === 'paused' && !(task.pausedUntilMs !== undefined && task.pausedUntilMs <= atMs);

/** Changing what this folds (or TaskState)? Bump taskStateCodec's version: snapshots of the old fold are then not used. */
export function evolveTask(state: TaskState, event: TaskEvent): TaskState {
  switch (event.type) {
    case 'TaskCreated':
      return {
        status: 'active',
        taskId: event.data.taskId,
        definition: event.data.definition,
        triggeredExecutionIds: NO_TRIGGERS,
      };
    case 'TaskUpdated':
      if (state.status === 'none') return state;
      return { ...state, definition: applyTaskChanges(state.definition, event.data.changes, event.data.removed) };
    case 'TaskPaused': {
      if (state.status === 'none') return state;
      const { note, afterFailureOf, until } = event.data;
      // A failure pauses the task once: a repeat of its handling after a resume must not pause it again.
      const acted = afterFailureOf === undefined ? state.triggeredExecutionIds : withTrigger(state.triggeredExecutionIds, pausedAfterKey(afterFailureOf));
      const pausedUntilMs = until === undefined ? undefined : Date.parse(until);
      return { ...state, status: 'paused', pauseNote: note, pausedUntilMs, triggeredExecutionIds: acted };
    }
    case 'TaskResumed':
      if (state.status === 'none') return state;
      return { ...state, status: 'active', pauseNote: undefined, pausedUntilMs: undefined };
    case 'TaskDeleted':
      if (state.status === 'none') return state;
      return { ...state, status: 'deleted' };
    case 'BackfillRequested':
      if (state.status === 'none') return state;
      return { ...state, triggeredExecutionIds: withTrigger(state.triggeredExecutionIds, `backfill:${event.data.backfillId}`) };
    case 'TaskTriggered':
      if (state.status === 'none') return state;
      return { ...state, triggeredExecutionIds: withTrigger(state.triggeredExecutionIds, event.data.executionId) };
    case 'TaskDisabled':
      if (state.status === 'none') return state;
      return { ...state, disabled: true, disableReason: event.data.reason };
    case 'TaskEnabled':
      if (state.status === 'none') return state;
      return { ...state, disabled: false, disableReason: undefined };
  }
}
