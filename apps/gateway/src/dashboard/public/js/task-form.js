import { get, patch, post } from './api.js';
import { el, toast } from './format.js';
import { ScheduleEditor } from './schedule-editor.js';

/** The executor types the gateway knows (custom ones included), asked for once; the built-ins until it answers. */
let executorTypes = ['noop', 'sleep', 'manual', 'command', 'http', 'example', 'workflow'].map((type) => ({ type, description: '' }));
let executorsAsked;
const askForExecutors = () => (executorsAsked ??= get('executors').then((reply) => (executorTypes = reply.items), () => (executorsAsked = undefined)));
const TITLES = { create: 'New task', edit: 'Edit task', copy: 'Copy task' };

/**
 * Create, edit or copy a task in a dialog. The server validates (the same rules as on NATS); its error, with
 * every issue and its field, is shown in the form.
 */
export async function openTaskForm({ mode, task, onSaved }) {
  await askForExecutors();
  const dialog = document.getElementById('task-dialog');
  const form = document.getElementById('task-form');
  const schedules = new ScheduleEditor(task?.schedules ?? []);
  const errorBox = el('div', { class: 'form-error', hidden: true });
  const field = (name, label, attributes = {}, wide = false) => el('label', { class: wide ? 'wide' : undefined }, label, el('input', { name, ...attributes }));

  form.replaceChildren(
    el('h2', {}, TITLES[mode], task && mode === 'edit' ? el('span', { class: 'muted mono' }, `  ${task.taskId}`) : null),
    el('div', { class: 'form-grid' },
      field('name', 'Name', { value: task ? (mode === 'copy' ? `${task.name} (copy)` : task.name) : '', required: true, placeholder: 'nightly report' }),
      field('executor', 'Executor', { value: task?.executor ?? 'sleep', list: 'executor-types', required: true }),
      field('description', 'Description', { value: task?.description ?? '' }, true),
      el('label', { class: 'wide' }, 'Executor config (JSON)',
        el('textarea', { name: 'config', spellcheck: 'false' }, JSON.stringify(task?.config ?? (task ? {} : { duration: '2s', steps: 4 }), null, 2))),
      schedules.node,
      field('tags', 'Tags (comma-separated)', { value: (task?.tags ?? []).join(', ') }),
      el('div', { class: 'form-grid', style: 'gap: 12px' },
        field('maxAttempts', 'Max attempts', { type: 'number', min: 1, placeholder: mode === 'edit' ? 'unchanged' : '1' }),
        field('maxConcurrent', 'Max concurrent', { type: 'number', min: 1, placeholder: mode === 'edit' ? 'unchanged' : 'no limit' }))),
    el('datalist', { id: 'executor-types' }, executorTypes.map(({ type, description }) => el('option', { value: type }, description))),
    errorBox,
    el('div', { class: 'actions' },
      el('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel'),
      el('button', { type: 'submit', class: 'primary', value: 'save' }, mode === 'edit' ? 'Save changes' : 'Create task')));

  form.onsubmit = async (event) => {
    event.preventDefault();
    errorBox.hidden = true;
    let payload;
    try {
      payload = readForm(form, schedules, mode === 'create' ? undefined : task, mode);
    } catch (error) {
      return showError(errorBox, error);
    }
    try {
      const result = mode === 'edit' ? await patch(`tasks/${encodeURIComponent(task.taskId)}`, payload) : await post('tasks', payload);
      dialog.close();
      toast(mode === 'edit' ? `Saved “${payload.name}”` : `Created “${payload.name}”`);
      onSaved?.(result);
    } catch (error) {
      showError(errorBox, error);
    }
  };
  dialog.showModal();
  form.querySelector('[name="name"]').focus();
}

/** A task's execution policy as a create or update payload takes it: the view holds intervals and timeouts in ms. */
function policyInput({ retry, timeouts, maxConcurrent, overlap, misfire, notify, pauseOnFailure }) {
  return {
    ...(retry ? { retry: { maxAttempts: retry.maxAttempts, backoff: retry.backoff, initialInterval: retry.initialIntervalMs, multiplier: retry.multiplier,
      maxInterval: retry.maxIntervalMs, jitter: retry.jitter, nonRetryableErrorTypes: retry.nonRetryableErrorTypes } } : {}),
    ...(timeouts ? { timeouts: Object.fromEntries(Object.entries(timeouts).map(([key, ms]) => [key.replace(/Ms$/, ''), ms])) } : {}),
    ...(maxConcurrent ? { maxConcurrent } : {}),
    ...(overlap ? { overlap } : {}),
    ...(misfire ? { misfire: { policy: misfire.policy, catchupWindow: misfire.catchupWindowMs } } : {}),
    ...(notify ? { notify } : {}),
    ...(pauseOnFailure ? { pauseOnFailure } : {}),
  };
}

/**
 * The form as the API's create/update payload (an update sends every field: what the form shows is the task). A copy
 * keeps the original's execution policy, which the form does not show; "max attempts" changes only that part of it.
 */
function readForm(form, schedules, task, mode) {
  const value = (name) => form.querySelector(`[name="${name}"]`).value.trim();
  let config;
  try {
    config = value('config') ? JSON.parse(value('config')) : {};
  } catch (error) {
    throw new Error(`Executor config is not valid JSON: ${error.message}`);
  }
  const policy = task ? policyInput(task) : {};
  const payload = {
    ...(mode === 'copy' ? policy : {}),
    name: value('name'),
    description: value('description'),
    executor: value('executor'),
    config,
    schedules: schedules.value(),
    tags: value('tags').split(',').map((tag) => tag.trim()).filter(Boolean),
  };
  if (value('maxAttempts')) payload.retry = { ...policy.retry, maxAttempts: Number(value('maxAttempts')) };
  if (value('maxConcurrent')) payload.maxConcurrent = Number(value('maxConcurrent'));
  return payload;
}

export function showError(box, error) {
  const issues = error.details?.issues ?? [];
  box.replaceChildren(el('b', {}, issues.length ? 'The server refused this task:' : error.message),
    issues.length ? el('ul', {}, issues.map((issue) => el('li', {}, issue.path ? `${issue.path}: ${issue.message}` : issue.message))) : null);
  box.hidden = false;
}
