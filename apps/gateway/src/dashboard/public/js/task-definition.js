import { describeSchedule, durationText, el, when } from './format.js';

/**
 * What a task is set to do, as stored: each schedule with its bounds, tags, the executor's config, and the execution
 * policy in words (what the task does not set is shown as the default it runs with, so nothing is left to guess).
 */
export function definitionPanel(task) {
  // A workflow's runs are not retried and take no task-level timeouts or limit: each step has its own (README).
  const workflow = task.executor === 'workflow';
  const rows = [
    ['schedules', task.schedules.length ? el('ul', { class: 'plain' }, task.schedules.map((spec) => el('li', {}, scheduleText(spec)))) : 'none (runs when triggered)'],
    ['tags', task.tags.length ? task.tags.map((tag) => el('span', { class: 'tag' }, tag)) : '—'],
    ['retries', workflow ? 'a run is never retried: each step has its own retry (resume a failed run)' : retryText(task)],
    ['timeouts', workflow ? 'per step' : timeoutsText(task.timeouts)],
    ['concurrency', workflow ? 'steps at once: the config\'s maxParallel' : task.maxConcurrent === undefined ? 'no limit' : `at most ${task.maxConcurrent} at once; beyond it: ${task.overlap ?? 'queue'}`],
    ['on failure', [task.pauseOnFailure && 'pause the task', task.notify ? `POST a notice to ${task.notify.url}` : 'no notice'].filter(Boolean).join('; ')],
    // The default is the contract's DEFAULT_MISFIRE, documented in the README's timer section.
    ['missed fires', task.misfire ? `${task.misfire.policy} within ${durationText(task.misfire.catchupWindowMs)}` : 'fire-once within 1h (default)'],
    ['config', el('pre', { class: 'config' }, JSON.stringify(task.config, null, 2))],
  ];
  return el('section', { class: 'panel', id: 'definition-panel' },
    el('div', { class: 'panel-head' }, el('h2', {}, 'Definition'), el('span', { class: 'muted' }, `revision ${task.revision} · updated ${when(task.updatedAt)}`)),
    el('dl', { class: 'definition' }, rows.flatMap(([label, value]) => [el('dt', {}, label), el('dd', { dataset: { field: label } }, value)])));
}

function scheduleText(spec) {
  const bounds = scheduleBounds(spec);
  return bounds.length ? `${describeSchedule(spec)} (${bounds.join(', ')})` : describeSchedule(spec);
}

/** A schedule's window, jitter, fire budget and exclusions in words (none: an empty list). */
export function scheduleBounds(spec) {
  return [
    spec.startAt && `from ${when(spec.startAt)}`,
    spec.endAt && `until ${when(spec.endAt)}`,
    spec.jitterMs && `jitter up to ${durationText(spec.jitterMs)}`,
    spec.maxFires && `at most ${spec.maxFires} fires`,
    ...(spec.exclude ?? []).map(exclusionText),
  ].filter(Boolean);
}

/** An exclusion in words, as schedctl's render.ts writes it (this page has no build step to share it). */
function exclusionText(exclusion) {
  if (exclusion.type === 'window') return `not ${when(exclusion.from)} – ${when(exclusion.to)}`;
  if (exclusion.type === 'cron') return `not when "${exclusion.expression}" matches in ${exclusion.timezone}`;
  const more = exclusion.dates.length > 5 ? ` and ${exclusion.dates.length - 5} more` : '';
  return `not on ${exclusion.dates.slice(0, 5).join(', ')}${more} in ${exclusion.timezone}`;
}

function retryText(task) {
  const retry = task.retry;
  const retries = retry ? retry.maxAttempts - 1 : 0;
  if (retries === 0) return 'never retried';
  const growth = retry.backoff === 'exponential' ? `, ×${retry.multiplier} up to ${durationText(retry.maxIntervalMs)}` : ' apart';
  return [
    `${retries} ${retries === 1 ? 'retry' : 'retries'}, ${retry.backoff} from ${durationText(retry.initialIntervalMs)}${growth}`,
    retry.jitter ? `, jitter ${retry.jitter}` : '',
    retry.nonRetryableErrorTypes.length ? `; never retried: ${retry.nonRetryableErrorTypes.join(', ')}` : '',
  ].join('');
}

function timeoutsText(timeouts) {
  const limits = [
    timeouts?.startToCloseMs && `start to close ${durationText(timeouts.startToCloseMs)}`,
    timeouts?.scheduleToCloseMs && `schedule to close ${durationText(timeouts.scheduleToCloseMs)}`,
    timeouts?.heartbeatMs && `heartbeat ${durationText(timeouts.heartbeatMs)}`,
  ].filter(Boolean);
  return limits.length ? limits.join(', ') : 'none';
}
