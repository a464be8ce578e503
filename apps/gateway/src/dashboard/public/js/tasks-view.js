import { get, query } from './api.js';
import { badge, describeSchedules, el, relative, shortId, taskStatus, timeCell, when } from './format.js';

/** The schedule statuses a task may have (the contracts' scheduleStatuses), the ones to look for first. */
const STATUSES = ['failed', 'overdue', 'running', 'delayed', 'pending', 'succeeded', 'ended', 'paused', 'disabled'];

/** Tasks a page shows at first, and how many more each "Show more" adds. */
const PAGE = 200;

/** The task table: schedule status, next fire, last result, and the buttons that act on each task. */
export class TasksView {
  constructor(actions) {
    this.actions = actions;
    this.state = '';
    this.tag = '';
    this.status = '';
    this.search = '';
    this.searchTimer = undefined;
    this.loads = 0;
    this.wanted = PAGE;
    this.tbody = el('tbody');
    this.tagFilter = el('span', { id: 'tag-filter' });
    this.node = el('section', { class: 'panel', id: 'tasks-panel' },
      el('div', { class: 'panel-head' },
        el('h2', {}, 'Tasks'),
        this.tagFilter,
        el('input', { type: 'search', id: 'task-search', placeholder: 'search name, id, description', 'aria-label': 'search tasks', oninput: (event) => this.searchFor(event.target.value) }),
        el('select', { 'aria-label': 'filter by status', id: 'status-filter', onchange: (event) => this.filterStatus(event.target.value) },
          el('option', { value: '' }, 'any status'), STATUSES.map((status) => el('option', { value: status }, status))),
        el('select', { 'aria-label': 'filter by state', onchange: (event) => this.filter(event.target.value) },
          el('option', { value: '' }, 'active and paused'), el('option', { value: 'active' }, 'active'), el('option', { value: 'paused' }, 'paused'), el('option', { value: 'deleted' }, 'deleted')),
        el('button', { class: 'primary', type: 'button', onclick: () => actions.create() }, 'New task')),
      el('table', {},
        el('thead', {}, el('tr', {}, ['Task', 'Executor', 'Schedule', 'Status', 'Next fire', 'Last result', 'Runs', ''].map((title) => el('th', {}, title)))),
        this.tbody));
  }

  filter(state) {
    this.state = state;
    this.wanted = PAGE;
    void this.load();
  }

  /** Only the tasks whose schedule status is this one (failing ones: failed, overdue); '' any. */
  filterStatus(status) {
    this.status = status;
    this.wanted = PAGE;
    void this.load();
  }

  /** Only the tasks whose name, id or description holds this text (the server's `search`), as the user types. */
  searchFor(text) {
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => {
      this.search = text.trim();
      this.wanted = PAGE;
      void this.load();
    }, 250);
  }

  /** Only the tasks with this tag (a tag in the table was clicked); '' shows every task again. */
  filterTag(tag) {
    this.tag = tag;
    this.wanted = PAGE;
    this.tagFilter.replaceChildren(...(tag
      ? [el('span', { class: 'muted' }, 'tagged '), el('span', { class: 'tag' }, tag),
        el('button', { type: 'button', class: 'small', title: 'every task again', onclick: () => this.filterTag('') }, '✕ all tags')]
      : []));
    void this.load();
  }

  /**
   * The first `wanted` tasks (oldest first), page by page; "Show more" asks for another PAGE, so a deployment with
   * more tasks than one page still reaches every one of them. `minPosition`: the position of an event the table
   * must already show (read-your-writes).
   */
  async load(minPosition) {
    // A load started later (the user typed on) wins: an earlier one's answer arriving after it is dropped.
    const load = ++this.loads;
    const tasks = [];
    let cursor;
    let more = false;
    do {
      const filters = { state: this.state, tag: this.tag, status: this.status, search: this.search };
      const page = await get(`tasks${query({ limit: Math.min(500, this.wanted - tasks.length), ...filters, minPosition, cursor })}`);
      if (load !== this.loads) return;
      tasks.push(...page.items);
      cursor = page.nextCursor;
      more = cursor !== undefined;
    } while (more && tasks.length < this.wanted);
    this.render(tasks, more);
  }

  render(tasks, more) {
    const none = this.tag || this.state || this.status || this.search ? 'No task matches the filter.' : 'No tasks yet: create one.';
    const rows = tasks.length ? tasks.map((task) => this.row(task)) : [el('tr', {}, el('td', { colspan: 8, class: 'empty' }, none))];
    if (more) {
      const showMore = () => {
        this.wanted += PAGE;
        void this.load();
      };
      rows.push(el('tr', { class: 'more' }, el('td', { colspan: 8, class: 'empty' },
        `The first ${tasks.length} tasks. `, el('button', { type: 'button', class: 'small', onclick: showMore }, `Show ${PAGE} more`))));
    }
    this.tbody.replaceChildren(...rows);
  }

  row(task) {
    const status = taskStatus(task);
    const last = task.lastExecution;
    const paused = task.state === 'paused';
    return el('tr', { dataset: { taskId: task.taskId } },
      el('td', {}, el('a', { href: `#/tasks/${encodeURIComponent(task.taskId)}` }, task.name), el('span', { class: 'sub mono', title: task.taskId }, shortId(task.taskId)),
        task.tags.length ? el('span', { class: 'sub task-tags' }, task.tags.map((tag) => el('button', { type: 'button', class: 'tag', title: `only tasks tagged ${tag}`, onclick: () => this.filterTag(tag) }, tag))) : null),
      el('td', {}, el('code', {}, task.executor)),
      el('td', {}, describeSchedules(task.schedules)),
      el('td', { class: 'task-status' }, badge(status), task.pausedUntil ? el('span', { class: 'sub' }, `until ${when(task.pausedUntil)}`) : null, task.pauseNote ? el('span', { class: 'sub' }, task.pauseNote) : null),
      el('td', {}, paused ? el('span', { class: 'muted' }, 'paused') : timeCell(task.nextFireAt)),
      el('td', { class: 'last-result' }, last ? [badge(last.status), el('span', { class: 'sub', title: when(last.endedAt ?? last.scheduledAt) }, relative(last.endedAt ?? last.scheduledAt))] : el('span', { class: 'muted' }, '—')),
      el('td', { class: 'mono' }, el('span', { title: 'succeeded' }, `✓ ${task.counts.succeeded}`), ' ', el('span', { title: 'failed', class: task.counts.failed ? 'error' : 'muted' }, `✗ ${task.counts.failed}`)),
      el('td', {}, el('div', { class: 'actions' }, taskButtons(task, this.actions))));
  }
}

/** Trigger, pause/resume, edit, copy: the same buttons in the table and on the task page. */
export function taskButtons(task, actions) {
  const paused = task.state === 'paused';
  return [
    el('button', { type: 'button', class: 'small', onclick: () => actions.trigger(task) }, 'Trigger'),
    paused
      ? el('button', { type: 'button', class: 'small', onclick: () => actions.resume(task) }, 'Resume')
      : el('button', { type: 'button', class: 'small', onclick: () => actions.pause(task) }, 'Pause'),
    el('button', { type: 'button', class: 'small', onclick: () => actions.edit(task) }, 'Edit'),
    el('button', { type: 'button', class: 'small', onclick: () => actions.copy(task) }, 'Copy'),
  ];
}
