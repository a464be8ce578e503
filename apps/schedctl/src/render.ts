import { formatDurationMs, omittedNote, type ScheduleExclusion, type ScheduleSpec, type AsOfView, type AttemptView, type ExecutionView, type HistoryEntry, type ItemProgress, type OverallStatsView, type TaskStatsView, type TaskView } from '@sched/contracts';
import { fields, table, when, whenExactly, whenIn } from './output';

export const taskTable = (tasks: readonly TaskView[]): string =>
  table(
    ['id', 'name', 'executor', 'state', 'status', 'next fire', 'last', 'ok/failed/total'],
    tasks.map((t) => [t.taskId, t.name, t.executor, t.enabled === false ? `${t.state} (disabled)` : t.state, t.scheduleStatus, when(t.nextFireAt), t.lastExecution?.status, `${t.counts.succeeded}/${t.counts.failed}/${t.counts.total}`]),
  );

const ms = formatDurationMs;

/** A stored schedule in words, with its bounds: `every 1h30m (+5m)`, `cron "30 2 * * *" Europe/Berlin (at most 5 fires)`. */
function scheduleText(spec: ScheduleSpec): string {
  const what =
    spec.type === 'interval'
      ? `every ${ms(spec.everyMs)}${spec.offsetMs ? ` (+${ms(spec.offsetMs)})` : ''}`
      : spec.type === 'cron'
        ? `cron "${spec.expression}" ${spec.timezone}`
        : `once at ${when(spec.at)}`;
  const bounds = [
    spec.startAt && `from ${when(spec.startAt)}`,
    spec.endAt && `until ${when(spec.endAt)}`,
    spec.jitterMs && `jitter up to ${ms(spec.jitterMs)}`,
    spec.maxFires && `at most ${spec.maxFires} fires`,
    ...(spec.exclude ?? []).map(exclusionText),
  ].filter(Boolean);
  return bounds.length > 0 ? `${what} (${bounds.join(', ')})` : what;
}

/** An exclusion in words; a long holiday list shows its first dates and how many more. */
function exclusionText(exclusion: ScheduleExclusion): string {
  if (exclusion.type === 'window') return `not ${when(exclusion.from)} – ${when(exclusion.to)}`;
  if (exclusion.type === 'cron') return `not when "${exclusion.expression}" matches in ${exclusion.timezone}`;
  const more = exclusion.dates.length > 5 ? ` and ${exclusion.dates.length - 5} more` : '';
  return `not on ${exclusion.dates.slice(0, 5).join(', ')}${more} in ${exclusion.timezone}`;
}

/**
 * The one time zone a task's cron schedules name, other than UTC, or undefined (none, or several): fire times are
 * then shown in it too, since its cron fields (and DST's skipped or repeated hours) are about that wall clock.
 */
export function localZoneOf(schedules: readonly ScheduleSpec[]): string | undefined {
  const zones = new Set(schedules.flatMap((spec) => (spec.type === 'cron' && !/^(Etc\/)?UTC$/.test(spec.timezone) ? [spec.timezone] : [])));
  return zones.size === 1 ? [...zones][0] : undefined;
}

/** What a failure for good does: pause the task, and where its notice goes (header names only: a value may be a secret's reference, or worse, a secret). */
const noticeText = (t: TaskView): string | undefined =>
  [
    t.pauseOnFailure && 'pause the task',
    t.notify && `POST a notice to ${t.notify.url}${t.notify.headers && Object.keys(t.notify.headers).length > 0 ? ` (headers ${Object.keys(t.notify.headers).join(', ')})` : ''}`,
  ]
    .filter(Boolean)
    .join('; ') || undefined;

/** The execution policy a task has, in words; what it does not have is left out. */
function policyFields(t: TaskView): Record<string, string> {
  const { retry, timeouts, misfire } = t;
  const backoff = retry && [
    `${retry.backoff} from ${ms(retry.initialIntervalMs)}`,
    retry.backoff === 'exponential' ? ` ×${retry.multiplier} up to ${ms(retry.maxIntervalMs)}` : '',
    retry.jitter ? `, jitter ${retry.jitter}` : '',
    retry.nonRetryableErrorTypes.length > 0 ? `, never retried: ${retry.nonRetryableErrorTypes.join(', ')}` : '',
  ].join('');
  const limits = [
    timeouts?.startToCloseMs && `start to close ${ms(timeouts.startToCloseMs)}`,
    timeouts?.scheduleToCloseMs && `schedule to close ${ms(timeouts.scheduleToCloseMs)}`,
    timeouts?.heartbeatMs && `heartbeat ${ms(timeouts.heartbeatMs)}`,
  ].filter(Boolean);
  const lines: Record<string, string | undefined> = {
    backoff,
    timeouts: limits.length > 0 ? limits.join(', ') : undefined,
    concurrency: t.maxConcurrent === undefined ? undefined : `at most ${t.maxConcurrent} at once, overlap ${t.overlap ?? 'queue'}`,
    'on failure': noticeText(t),
    misfire: misfire && `${misfire.policy} within ${ms(misfire.catchupWindowMs)}`,
  };
  return Object.fromEntries(Object.entries(lines).filter((line): line is [string, string] => line[1] !== undefined));
}

export const taskFields = (t: TaskView): string =>
  fields({
    id: t.taskId,
    name: t.name,
    description: t.description,
    executor: t.executor,
    config: JSON.stringify(t.config),
    schedules: t.schedules.length > 0 ? t.schedules.map(scheduleText).join('; ') : 'none (runs when triggered)',
    tags: t.tags.join(', '),
    state: [t.state, t.pausedUntil && `until ${whenExactly(t.pausedUntil)}`, t.pauseNote && `(${t.pauseNote})`].filter(Boolean).join(' '),
    enabled: t.enabled === false ? `no${t.disableReason ? ` (${t.disableReason})` : ''}` : 'yes',
    'schedule status': t.scheduleStatus,
    // A workflow's runs are not retried and take no task-level timeouts or limit: each step has its own.
    ...(t.executor === 'workflow'
      ? { retries: 'a run is never retried: each step has its own retry (workflow resume re-runs a failed run)', 'on failure': noticeText(t) }
      : { retries: t.maxRetries, ...policyFields(t) }), // how far apart: the backoff line
    revision: t.revision,
    created: when(t.createdAt),
    updated: when(t.updatedAt),
    'next fire': nextFireText(t),
    'last execution': t.lastExecution && `${t.lastExecution.executionId} ${t.lastExecution.status}`,
    counts: `${t.counts.succeeded} succeeded, ${t.counts.failed} failed, ${t.counts.running} running, ${t.counts.total} total`,
  });

const nextFireText = (t: TaskView): string | undefined => {
  const zone = localZoneOf(t.schedules);
  // The fire instant, its jitter included: to the millisecond when it has one.
  return zone && t.nextFireAt ? `${whenExactly(t.nextFireAt)} (${whenIn(t.nextFireAt, zone)})` : whenExactly(t.nextFireAt);
};

/** Executions as a table; `names` gives each one's task name (task-names.ts), else the task id is shown. */
export const executionTable = (executions: readonly ExecutionView[], names: ReadonlyMap<string, string> = new Map()): string =>
  table(
    ['id', 'task', 'status', 'scheduled', 'attempt', 'duration ms', 'worker'],
    executions.map((e) => [e.executionId, names.get(e.taskId) ?? e.taskId, statusText(e), when(e.scheduledAt), e.attempt, e.durationMs, e.workerId]),
  );

/** A due execution waiting to be retried says so: its attempt and duration are the failed attempt's. */
const statusText = (e: ExecutionView): string => (e.retryAt === undefined ? e.status : `${e.status} (retry)`);

/** A stored message (a command's output may end on a line break, or span several lines) laid out under `indent`. */
const lines = (message: string, indent: string): string => message.trimEnd().replace(/\n/g, `\n${indent}`);
const LOG_INDENT = ' '.repeat(2 + 20 + 2 + 5 + 2);
const errorText = (error: { type: string; message: string } | undefined): string | undefined => error && `${error.type}: ${lines(error.message, '  ')}`;

const attemptTable = (attempts: readonly AttemptView[]): string =>
  table(
    ['attempt', 'status', 'worker', 'started', 'duration ms', 'error'],
    attempts.map((a) => [a.attempt, a.status, a.workerId, when(a.startedAt), a.durationMs, errorText(a.error)?.replace(/\n\s*/g, ' ')]),
  );

/** Each attempt's log lines (the executor's logger, a command's output), under the attempt they came from. */
const attemptLogs = (attempts: readonly AttemptView[]): string =>
  attempts
    .filter((a) => a.logs && a.logs.length > 0)
    .map((a) => `\nattempt ${a.attempt} log:\n${a.logs!.map((line) => `  ${when(line.at)}  ${line.level.padEnd(5)}  ${lines(line.message, LOG_INDENT)}`).join('\n')}\n`)
    .join('');

/**
 * One execution with its attempts and their logs; `taskName` is shown beside the task's id when known, `waiting` says
 * why a due execution has not started (its task at its concurrency limit), `ownConfig` the config it ran with when
 * that is not its task's.
 */
export const executionFields = (e: ExecutionView, taskName?: string, waiting?: string, ownConfig?: unknown): string =>
  fields({
    id: e.executionId,
    task: taskName && taskName !== e.taskId ? `${taskName} (${e.taskId})` : e.taskId,
    status: e.status,
    ...(waiting === undefined ? {} : { waiting }),
    reason: e.reason,
    executor: e.executor,
    ...(ownConfig === undefined ? {} : { config: `${JSON.stringify(ownConfig)} (this run's own: the task's differs)` }),
    scheduled: when(e.scheduledAt),
    started: when(e.startedAt),
    ended: when(e.endedAt),
    'duration ms': e.durationMs,
    attempt: e.attempt,
    worker: e.workerId,
    // Only a running execution's ETA means anything: a paused one's was the estimate before the pause, an ended one's
    // the estimate before it ended (a cancel, a failure midway), so they are left out.
    progress: e.progress && progressText(e.status === 'running' ? e.progress : { ...e.progress, estimatedEndAt: undefined }),
    result: e.result === undefined ? omittedNote(e, 'result') : JSON.stringify(e.result),
    error: errorText(e.error),
    ...(e.retryAt === undefined ? {} : { 'next attempt': `${e.attempt + 1} at ${when(e.retryAt)}` }),
    ...(e.endReason === undefined ? {} : { [`${e.status} because`]: e.endReason }),
  }) + (e.attempts && e.attempts.length > 0 ? `\n${attemptTable(e.attempts)}${attemptLogs(e.attempts)}` : '');

export const statsFields = (s: TaskStatsView): string =>
  fields({
    task: s.taskId,
    total: s.total,
    running: s.running,
    'latest execution': when(s.latestExecutionAt),
    finished: s.finished,
    succeeded: s.succeeded,
    failed: s.failed,
    cancelled: s.cancelled,
    skipped: s.skipped,
    'success rate': s.successRate === undefined ? undefined : `${(s.successRate * 100).toFixed(1)}%`,
    'avg duration ms': s.avgDurationMs?.toFixed(1),
    'p95 duration ms': s.p95DurationMs,
    'last outcomes': s.lastOutcomes.map((o) => o.status).join(' '),
  });

export const asOfFields = (view: AsOfView): string =>
  fields({ stream: view.streamId, 'as of': when(view.at), revision: view.revision, position: view.position, 'last event at': when(view.occurredAt) }) +
  `${JSON.stringify(view.state, null, 2)}\n`;

/** One line per event: enough to read a history, `--json` has everything. */
export const historyLine = (e: HistoryEntry & { taskId?: string }): string =>
  `${String(e.position).padStart(10)}  ${when(e.metadata.occurredAt as string)}  ${e.streamId}#${e.revision}  ${e.type}  ${summary(e.data)}\n`;

function summary(data: unknown): string {
  const text = JSON.stringify(data) ?? '';
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export const overallStatsFields = (s: OverallStatsView): string =>
  fields({
    tasks: s.tasks,
    executions: s.total,
    succeeded: s.succeeded,
    failed: s.failed,
    cancelled: s.cancelled,
    skipped: s.skipped,
    running: s.running,
    'success rate': s.successRate === undefined ? undefined : `${(s.successRate * 100).toFixed(1)}%`,
    'avg duration ms': s.avgDurationMs?.toFixed(1),
    'latest execution': when(s.latestExecutionAt),
  });

/** `4/10 items (row 4), ETA 2030-01-01 12:00:09Z`, or '' for progress without items. */
export function itemsText(p: ItemProgress): string {
  const parts: string[] = [];
  if (p.totalItems !== undefined) parts.push(`${p.processedItems ?? 0}/${p.totalItems} items${p.currentItem ? ` (${p.currentItem})` : ''}`);
  if (p.estimatedEndAt) parts.push(`ETA ${when(p.estimatedEndAt)}`);
  return parts.join(', ');
}

/** `40% message, 4/10 items (row 4), ETA ...`. */
export const progressText = (p: NonNullable<ExecutionView['progress']>): string =>
  [`${p.percent}%${p.message ? ` ${p.message}` : ''}`, itemsText(p)].filter(Boolean).join(', ');
