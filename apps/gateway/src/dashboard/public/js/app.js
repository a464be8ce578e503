import { ApiError, del, get, hasToken, onTokenNeeded, post, query, setToken } from './api.js';
import { ExecutionDetailView } from './execution-detail.js';
import { ExecutionsView } from './executions-view.js';
import { el, reloader, toast } from './format.js';
import { LiveEvents } from './live.js';
import { TaskDetailView } from './task-detail.js';
import { openTaskForm } from './task-form.js';
import { openTriggerForm } from './trigger-form.js';
import { TasksView } from './tasks-view.js';

const view = document.getElementById('view');
let current;

/** What the buttons do: one API call each, then the views follow the events it causes. */
const actions = {
  create: () => openTaskForm({ mode: 'create', onSaved: (result) => refresh(result.position) }),
  edit: (task) => openTaskForm({ mode: 'edit', task, onSaved: (result) => refresh(result.position) }),
  copy: (task) => openTaskForm({ mode: 'copy', task, onSaved: (result) => refresh(result.position) }),
  trigger: (task) => run(() => post(`tasks/${encodeURIComponent(task.taskId)}/trigger`), `Triggered “${task.name}”`),
  // The new run's page, read at least at its trigger's position.
  triggerWithConfig: (task) => openTriggerForm({ task, onTriggered: (result) => navigate(`#/executions/${encodeURIComponent(result.executionId)}`, result.position) }),
  pause: (task) => run(() => post(`tasks/${encodeURIComponent(task.taskId)}/pause`), `Paused “${task.name}”`),
  resume: (task) => run(() => post(`tasks/${encodeURIComponent(task.taskId)}/resume`), `Resumed “${task.name}”`),
  enable: (task) => run(() => post(`tasks/${encodeURIComponent(task.taskId)}/enable`), `Enabled “${task.name}”`),
  disable: (task) => run(() => post(`tasks/${encodeURIComponent(task.taskId)}/disable`, { reason: 'disabled from the dashboard' }), `Disabled “${task.name}”`),
  pauseExecution: (execution) => run(() => post(`executions/${encodeURIComponent(execution.executionId)}/pause`), 'Execution paused'),
  resumeExecution: (execution) => run(() => post(`executions/${encodeURIComponent(execution.executionId)}/resume`), 'Execution resumed'),
  resumeRun: (execution) => run(async () => {
    const resumed = await post(`workflows/${encodeURIComponent(execution.executionId)}/resume`);
    navigate(`#/executions/${encodeURIComponent(resumed.runId)}`, resumed.position);
    return resumed;
  }, 'Run resumed'),
  cancel: (execution) => run(() => post(`executions/${encodeURIComponent(execution.executionId)}/cancel`, { reason: 'cancelled from the dashboard' }), 'Cancel requested'),
  remove: async (task) => {
    if (!confirm(`Delete “${task.name}”? Its history stays in the event log.`)) return;
    // A delete stops the schedule only; what is due, queued, waiting to retry, running or paused goes on unless the
    // user says otherwise, so they are asked when there is any.
    const pending = await pendingExecutions(task.taskId).catch(() => 0);
    const cancelPending = pending > 0 && confirm(`“${task.name}” has ${pending === PENDING_PAGE ? `${pending} or more` : pending} execution(s) not over yet (due, running or paused). Cancel them too? (Cancel lets them go on.)`);
    await run(() => del(`tasks/${encodeURIComponent(task.taskId)}${cancelPending ? '?cancelPending=true' : ''}`), `Deleted “${task.name}”${cancelPending ? ' and cancelled what it had running' : ''}`);
    location.hash = '#/';
  },
};

const PENDING_PAGE = 500;

/** How many of the task's executions are not over yet (up to a page of each status). */
async function pendingExecutions(taskId) {
  const pages = await Promise.all(['due', 'running', 'paused'].map((status) => get(`executions${query({ taskId, status, limit: PENDING_PAGE })}`)));
  return Math.min(PENDING_PAGE, pages.reduce((sum, page) => sum + page.items.length, 0));
}

async function run(call, done) {
  try {
    const result = await call();
    toast(done);
    await refresh(result?.position);
  } catch (error) {
    toast(error instanceof ApiError ? `${error.code}: ${error.message}` : String(error), true);
  }
}

/** The tasks page: the task table above the executions of every task. */
class TasksPage {
  constructor() {
    this.taskNames = new Map();
    this.tasks = new TasksView(actions);
    this.executions = new ExecutionsView({ taskNames: this.taskNames, actions });
    this.node = el('div', { style: 'display: grid; gap: 20px' }, this.tasks.node, this.executions.node);
    // At most once a second: a status filter reads every task on the server.
    this.reloadTasks = reloader((minPosition) => this.tasks.load(minPosition), 250, 1000);
  }

  async load(minPosition) {
    await this.tasks.load(minPosition);
    for (const row of this.tasks.tbody.querySelectorAll('tr[data-task-id]')) this.taskNames.set(row.dataset.taskId, row.querySelector('a').textContent);
    await this.executions.load(minPosition);
  }

  onEvent(event) {
    this.executions.onEvent(event);
    if (event.type === 'TaskProgressed') return;
    // Next fire, last result and counts change with the task's events and its executions' ends: reload the table.
    this.reloadTasks(event.position);
  }
}

let writtenAt;

/** Opens a page that must show a write just made: its lists read at least at the write's position. */
function navigate(hash, position) {
  writtenAt = position;
  location.hash = hash;
}

async function route() {
  const task = /^#\/tasks\/(.+)$/.exec(location.hash);
  const execution = /^#\/executions\/(.+)$/.exec(location.hash);
  current = task
    ? new TaskDetailView(decodeURIComponent(task[1]), actions)
    : execution
      ? new ExecutionDetailView(decodeURIComponent(execution[1]), actions)
      : new TasksPage();
  for (const link of document.querySelectorAll('[data-nav]')) link.classList.toggle('active', !task && !execution);
  view.replaceChildren(current.node);
  // The events the page has seen went to the view it showed then: the new view's lists must already include them
  // (read models at least at that position), or one that changed just before the switch would stay stale.
  const minPosition = Math.max(live.position() ?? 0, writtenAt ?? 0) || undefined;
  writtenAt = undefined;
  await current.load(minPosition).catch((error) => toast(error.message, true));
}

async function refresh(position) {
  await current?.load(position).catch((error) => toast(error.message, true));
}

function setLiveStatus(state) {
  const node = document.getElementById('live-status');
  node.className = `live ${state}`;
  node.querySelector('.label').textContent = state === 'on' ? 'live' : 'reconnecting…';
}

/** The token dialog: shown when the server answers 401; resolves once a token was entered. */
function promptForToken(refused) {
  const dialog = document.getElementById('token-dialog');
  const form = document.getElementById('token-form');
  document.getElementById('token-error').hidden = !refused;
  form.reset();
  return new Promise((resolve) => {
    form.onsubmit = (event) => {
      event.preventDefault();
      const token = form.elements.token.value.trim();
      if (!token) return;
      setToken(token);
      dialog.close();
      document.getElementById('token-button').hidden = false;
      resolve();
    };
    // Without a token nothing works: Escape does not dismiss the dialog.
    dialog.oncancel = (event) => event.preventDefault();
    dialog.showModal();
  });
}

onTokenNeeded(promptForToken);
document.getElementById('token-button').hidden = !hasToken();
document.getElementById('token-button').addEventListener('click', () => void promptForToken(false).then(() => refresh()));
window.addEventListener('hashchange', () => void route());
const live = new LiveEvents((event) => current?.onEvent(event), setLiveStatus);
live.start();
void route();
