/**
 * The schedule status every task carries in the read model (computed at query time: it depends on the clock).
 * The first that applies, in this order:
 *  - disabled: the task is disabled (or deleted);
 *  - paused: the task is paused (its fires are recorded as skipped);
 *  - running: one of its executions is running (or paused mid-run) now;
 *  - overdue: an occurrence is late by more than OVERDUE_AFTER_MS: its time passed and no execution of it (or of a
 *    later one) was recorded, or the latest execution has been due without starting for that long;
 *  - failed: its latest finished execution failed (or was cancelled);
 *  - delayed: its next fire is more than DELAYED_AFTER_MS ahead;
 *  - succeeded: its latest finished execution succeeded;
 *  - ended: it has schedules but no fire left, and no execution of it succeeded last (a one-shot missed while the task
 *    was disabled or skipped while it was paused, a window that closed before anything ran); a trigger still runs it;
 *  - pending: anything else (never ran and the next fire is near, a manual task waiting for a trigger, ...).
 */
export const scheduleStatuses = ['disabled', 'paused', 'pending', 'running', 'succeeded', 'failed', 'delayed', 'overdue', 'ended'] as const;
export type ScheduleStatus = (typeof scheduleStatuses)[number];

/** A fire not recorded (or a due execution not started) this long after its time makes the task overdue. */
export const OVERDUE_AFTER_MS = 60_000;
/** A next fire further ahead than this makes the task delayed. */
export const DELAYED_AFTER_MS = 24 * 3_600_000;
