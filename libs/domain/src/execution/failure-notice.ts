import { escapeSecretReferences, type RetryPolicy, type TaskDue, type TaskFailed } from '@sched/contracts';
import type { TaskCommand } from '../task/task.commands';

/** The notice's own execution: `<executionId>:notify`, of the pseudo task `<taskId>:notify`. */
export const NOTIFY_SUFFIX = ':notify';
export const noticeExecutionId = (executionId: string): string => `${executionId}${NOTIFY_SUFFIX}`;

/** A notice is retried as a webhook delivery is: a few times, backing off to a minute. */
export const NOTICE_RETRY: RetryPolicy = {
  maxAttempts: 5,
  backoff: 'exponential',
  initialIntervalMs: 1_000,
  multiplier: 4,
  maxIntervalMs: 60_000,
  jitter: 0,
  nonRetryableErrorTypes: [],
};

/** Longest error message the notice's one-line summary quotes (the whole one is in `error`). */
const TEXT_MESSAGE_CHARS = 300;

/** The start of a failure's message, for a one-line summary. */
function quoteMessage(failed: TaskFailed['data']): string {
  const { message } = failed.error;
  return message.length > TEXT_MESSAGE_CHARS ? `${message.slice(0, TEXT_MESSAGE_CHARS)}…` : message;
}

/**
 * One line saying what failed, as `text`: the field Slack's, Mattermost's, Rocket.Chat's and Google Chat's incoming
 * webhooks post (Slack refuses a body without it), so the notice URL may be a chat channel's webhook as it is.
 */
function noticeText(due: TaskDue['data'], failed: TaskFailed['data']): string {
  const { type } = failed.error;
  const quoted = quoteMessage(failed);
  const attempts = failed.attempt === 1 ? 'its only attempt' : `attempt ${failed.attempt}`;
  return `sched: ${due.executionId} of task ${due.taskId} failed for good (${attempts}, ${type}): ${quoted}`;
}

/**
 * The TaskDue of the notice that an execution failed for good, when its task asks for one (`notify` on its TaskDue),
 * else undefined. The notice is an `http` POST of what happened, due when the failure was recorded (`failedAt`), so a
 * repeat decides the very same notice; a notice never asks for a notice of its own.
 */
export function failureNotice(due: TaskDue['data'], failed: TaskFailed['data'], failedAt: string): TaskDue['data'] | undefined {
  if (!due.notify || !failed.final) return undefined;
  const body = {
    event: 'execution.failed',
    taskId: due.taskId,
    executionId: due.executionId,
    executor: due.executor,
    reason: due.reason,
    scheduledAt: due.scheduledAt,
    attempt: failed.attempt,
    endedAt: failed.endedAt,
    error: failed.error,
    text: noticeText(due, failed),
  };
  return {
    taskId: `${due.taskId}${NOTIFY_SUFFIX}`,
    executionId: noticeExecutionId(due.executionId),
    executor: 'http',
    // The body is data sched did not author (an error message may quote anything): its ${secret:…} stay text.
    config: { method: 'POST', url: due.notify.url, headers: { ...due.notify.headers }, body: escapeSecretReferences(body) },
    scheduledAt: failedAt,
    reason: 'notification',
    taskRevision: due.taskRevision,
    retry: NOTICE_RETRY,
  };
}

/**
 * The command that pauses a task whose execution failed for good, when the task asks for it (`pauseOnFailure` on the
 * TaskDue), else undefined. Its note says which execution and why; the decider acts on one failure once, and not on a
 * task paused when it failed (`failedAtMs`).
 */
export function pauseAfterFailure(due: TaskDue['data'], failed: TaskFailed['data'], failedAtMs: number): Extract<TaskCommand, { type: 'PauseTask' }> | undefined {
  if (!due.pauseOnFailure || !failed.final || due.reason === 'notification') return undefined;
  const note = `paused after ${due.executionId} failed for good (${failed.error.type}: ${quoteMessage(failed)})`;
  return { type: 'PauseTask', data: { taskId: due.taskId, note, afterFailureOf: due.executionId, nowMs: failedAtMs } };
}
