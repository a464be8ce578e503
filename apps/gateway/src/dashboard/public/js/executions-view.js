import { get, query } from './api.js';
import { badge, el, elapsed, progressBar, relative, reloader, shortId, timeCell, when } from './format.js';
import { executionHref } from './workflow-steps.js';

const RELOADING_EVENTS = new Set([
  'TaskDue', 'TaskStarted', 'TaskSucceeded', 'TaskFailed', 'TaskRetried', 'TaskCancelled', 'TaskSkipped', 'TaskTimedOut', 'TaskCancelRequested',
  'ExecutionPaused', 'ExecutionResumed',
]);
/** An execution not over yet: due (waiting to start or to be retried), running, or paused mid-run. */
export const ACTIVE = new Set(['due', 'running', 'paused']);

/**
 * Recent executions with live progress bars. Progress events move the bars in place; the other execution events
 * reload the list from the read model once it has applied them.
 */
export class ExecutionsView {
  constructor({ taskId, taskNames, actions }) {
    this.taskId = taskId;
    this.taskNames = taskNames ?? new Map();
    this.taskLinks = new Map();
    this.actions = actions;
    this.rows = new Map();
    this.tbody = el('tbody');
    this.reloadSoon = reloader((minPosition) => this.load(minPosition), 150);
    this.node = el('section', { class: 'panel', id: 'executions-panel' },
      el('div', { class: 'panel-head' }, el('h2', {}, taskId ? 'Executions of this task' : 'Recent executions')),
      el('table', {},
        el('thead', {}, el('tr', {}, [taskId ? null : 'Task', 'Scheduled', 'Status', 'Progress', 'Attempt', 'Duration', ''].filter((title) => title !== null).map((title) => el('th', {}, title)))),
        this.tbody));
  }

  async load(minPosition) {
    const page = await get(`executions${query({ limit: 15, taskId: this.taskId, minPosition })}`);
    if (!this.taskId) await this.learnTasks(page.items.map((execution) => execution.taskId));
    this.rows.clear();
    const rows = page.items.map((execution) => this.row(execution));
    this.tbody.replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colspan: 7, class: 'empty' }, 'No executions yet.'))]));
  }

  /**
   * Names (and pages to link to) of the tasks the task table does not show: deleted or filtered out, and a workflow's
   * steps, whose executions belong to `<taskId>:<stepId>`. Asked for once each; a task id may itself hold a colon.
   */
  async learnTasks(taskIds) {
    const unknown = [...new Set(taskIds)].filter((taskId) => !this.taskNames.has(taskId));
    const task = (taskId) => get(`tasks/${encodeURIComponent(taskId)}`).catch(() => undefined);
    await Promise.all(unknown.map(async (taskId) => {
      const colon = taskId.lastIndexOf(':');
      if (colon > 0) {
        const [ownerId, stepId] = [taskId.slice(0, colon), taskId.slice(colon + 1)];
        const owner = await task(ownerId);
        // A workflow's step, or any task's failure notices (`<taskId>:notify`).
        if (owner && (stepId === 'notify' || (owner.executor === 'workflow' && owner.config?.steps?.some((step) => step.id === stepId)))) {
          this.taskNames.set(taskId, `${owner.name} › ${stepId}`);
          this.taskLinks.set(taskId, ownerId);
          return;
        }
      }
      const found = await task(taskId);
      this.taskNames.set(taskId, found ? found.name : shortId(taskId));
    }));
  }

  row(execution) {
    const progressCell = el('td', { class: 'progress-cell' }, progressBar(execution));
    const tr = el('tr', { dataset: { executionId: execution.executionId, status: execution.status } },
      this.taskId ? null : el('td', {}, el('a', { href: `#/tasks/${encodeURIComponent(this.taskLinks.get(execution.taskId) ?? execution.taskId)}` }, this.taskNames.get(execution.taskId) ?? shortId(execution.taskId))),
      el('td', {}, el('a', { href: executionHref(execution.executionId), class: 'execution-link' }, timeCell(execution.scheduledAt)), el('span', { class: 'sub' }, execution.reason)),
      el('td', { class: 'execution-status' }, badge(execution.status), statusNote(execution)),
      progressCell,
      el('td', {}, String(execution.attempt || '—')),
      el('td', {}, elapsed(execution.durationMs)),
      el('td', {}, el('div', { class: 'actions' }, executionButtons(execution, this.actions))));
    this.rows.set(execution.executionId, { execution, progressCell });
    return tr;
  }

  /** A live event: progress in place, anything else about an execution → reload once the read model has it. */
  onEvent(event) {
    if (!event.streamId.startsWith('execution-')) return;
    if (this.taskId && event.taskId !== this.taskId) return;
    const executionId = event.streamId.slice('execution-'.length);
    if (event.type === 'TaskProgressed') {
      const row = this.rows.get(executionId);
      if (row) {
        row.execution = { ...row.execution, status: 'running', progress: { percent: event.data.percent, message: event.data.message } };
        row.progressCell.replaceChildren(progressBar(row.execution));
      }
      return;
    }
    if (RELOADING_EVENTS.has(event.type)) this.reloadSoon(event.position);
  }

}

/** Pause, Resume and Cancel, as the execution's status allows: in its row and on its page. */
export function executionButtons(execution, actions) {
  const button = (label, action, style = 'small') => el('button', { type: 'button', class: style, onclick: () => action(execution) }, label);
  return [
    execution.status === 'running' ? button('Pause', actions.pauseExecution) : null,
    execution.status === 'paused' ? button('Resume', actions.resumeExecution) : null,
    ACTIVE.has(execution.status) ? button('Cancel', actions.cancel, 'small danger') : null,
  ];
}

/** Under the status: the error's type (its message on hover) and when it is retried, or why it was skipped or cancelled. */
function statusNote(execution) {
  const retry = execution.retryAt && el('span', { class: 'sub retry-at', title: when(execution.retryAt) }, `attempt ${execution.attempt + 1} ${relative(execution.retryAt)}`);
  // While it runs or waits again, the error is the failed attempt's before it: said so, not as the execution's outcome.
  const again = ACTIVE.has(execution.status);
  if (execution.error) return [el('span', { class: 'sub error', title: execution.error.message }, again ? `after ${execution.error.type}` : execution.error.type), retry];
  const reason = execution.endReason;
  if (!reason) return null;
  return el('span', { class: 'sub end-reason', title: reason }, reason.length > 48 ? `${reason.slice(0, 47)}…` : reason);
}
