import {
  isoTime,
  scheduledExecutionId,
  toExecutionStreamId,
  type DueReason,
  type EventMetadata,
  type TaskDue,
  type TaskSkipped,
} from '@sched/contracts';
import { dueExecutionPolicy, executionDecider, isPausedAt, type KnownTaskState } from '@sched/domain';
import { WrongExpectedVersionError, toEnvelopes, type EventStore } from '@sched/event-store';

export interface Occurrence {
  readonly taskId: string;
  readonly executionId: string;
  readonly task: KnownTaskState;
  readonly taskRevision: number;
  readonly scheduledAtMs: number;
  /** The timer records every kind of execution but the notice of a failure (the notification manager's). */
  readonly reason: Exclude<DueReason, 'notification'>;
  readonly cause: Pick<EventMetadata, 'correlationId' | 'causationId'>;
  /** A catch-up fire after a misfire: how late, and which missed occurrences it stands for (fire-once). */
  readonly late?: Pick<TaskDue['data'], 'lateByMs' | 'coalesced'>;
  /** Recorded as due and skipped in the same commit (misfire policy skip, or occurrences past the window). */
  readonly skipped?: TaskSkipped['data'];
  /** Recorded ahead of the instant it fires at (the fire-ahead window): TaskDue.notBefore. */
  readonly notBeforeMs?: number;
  /** The run's own executor config (a trigger's configPatch applied), instead of the task's. */
  readonly config?: Readonly<Record<string, unknown>>;
}

export type FireOutcome = 'fired' | 'already-fired';

/**
 * Appends an occurrence's TaskDue as the first event of its execution stream, with expected "no stream": if another
 * timer (or this one, before a restart) already fired it, the store says so and nothing is appended twice.
 * No read first: a new occurrence's stream is empty by definition, the decider is given the initial state.
 * `signal`: aborted when it is no longer this timer's to fire (the store then sends it no more).
 */
export async function fireOccurrence(store: EventStore, occurrence: Occurrence, actor: string, signal?: AbortSignal): Promise<FireOutcome> {
  const { taskId, executionId, task } = occurrence;
  const events = executionDecider.decide(
    {
      type: 'ScheduleExecution',
      data: {
        taskId,
        executionId,
        executor: task.definition.executor,
        config: occurrence.config ?? task.definition.config,
        scheduledAt: isoTime(occurrence.scheduledAtMs),
        reason: occurrence.reason,
        taskRevision: occurrence.taskRevision,
        ...dueExecutionPolicy(task.definition),
        ...occurrence.late,
        ...(occurrence.notBeforeMs === undefined ? {} : { notBefore: isoTime(occurrence.notBeforeMs) }),
      },
    },
    executionDecider.initialState(),
  );
  if (occurrence.skipped) events.push({ type: 'TaskSkipped', data: occurrence.skipped });
  const envelopes = toEnvelopes(events, { ...occurrence.cause, actor, nowMs: Date.now() });
  try {
    await store.append(toExecutionStreamId(executionId), envelopes, { expected: 'no_stream', signal });
    return 'fired';
  } catch (error) {
    if (WrongExpectedVersionError.is(error)) return 'already-fired';
    throw error;
  }
}

/**
 * A paused task keeps its schedule: each occurrence is still recorded, as due and skipped in one commit
 * (TaskDue + TaskSkipped{reason:'paused'}), so the history shows every fire the pause swallowed. A pause with an
 * end skips the occurrences that fire before it (`fireAtMs`: with jitter, after the nominal instant); the one
 * firing at its end fires.
 */
export function skippedIfPaused(task: { readonly state: KnownTaskState }, occurrence: Occurrence, fireAtMs = occurrence.scheduledAtMs): Occurrence {
  return isPausedAt(task.state, fireAtMs) ? { ...occurrence, skipped: { reason: 'paused' } } : occurrence;
}

/** The occurrence of a task's schedule at `nominalMs`, caused by the task's latest event unless told otherwise. */
export function scheduledOccurrence(
  taskId: string,
  task: { readonly state: KnownTaskState; readonly revision: number; readonly lastEventId: string },
  nominalMs: number,
  reason: Occurrence['reason'] = 'schedule',
  cause?: Occurrence['cause'],
): Occurrence {
  const executionId = scheduledExecutionId(taskId, nominalMs);
  return {
    taskId,
    executionId,
    task: task.state,
    taskRevision: task.revision,
    scheduledAtMs: nominalMs,
    reason,
    cause: cause ?? { correlationId: executionId, causationId: task.lastEventId },
  };
}
