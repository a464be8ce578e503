import { get, query } from './api.js';
import { ExecutionsView } from './executions-view.js';
import { badge, describeSchedules, el, elapsed, relative, reloader, taskStatus, when } from './format.js';
import { definitionPanel } from './task-definition.js';
import { taskButtons } from './tasks-view.js';
import { executionHref } from './workflow-steps.js';

const HISTORY_PAGES = 4;
/**
 * Past this many executions the audit waits for its button: it reads every stream of the task, on every view of the
 * page (60,000: over 10 s; 5,000: 3.6-6.4 s since it reads every commit stored for a stream; 1,000: about a second).
 */
const AUTO_AUDIT_MAX_EXECUTIONS = 1_000;

/** One task: its state and stats, its executions (live), the audit verification and its full event history. */
export class TaskDetailView {
  constructor(taskId, actions) {
    this.taskId = taskId;
    this.actions = actions;
    this.header = el('section', { class: 'panel', id: 'task-header' });
    this.audit = el('section', { class: 'panel', id: 'audit-panel' });
    this.definition = el('div', {});
    this.timeline = el('ol', { class: 'timeline', id: 'history' });
    this.executions = new ExecutionsView({ taskId, actions });
    this.reloadHeader = reloader((minPosition) => this.loadHeader(minPosition), 200);
    this.node = el('div', { style: 'display: grid; gap: 20px' },
      el('div', {}, el('a', { href: '#/' }, '← all tasks')),
      this.header,
      el('div', { class: 'grid-2' }, this.definition, this.audit),
      this.executions.node,
      el('section', { class: 'panel' }, el('div', { class: 'panel-head' }, el('h2', {}, 'History'), el('span', { class: 'muted' }, 'every event of the task and its executions, newest first')), this.timeline));
  }

  async load(minPosition) {
    const header = this.loadHeader(minPosition).catch((error) => this.showHeaderError(error));
    // An id no task has: the audit and the history say so too (NOT_FOUND), instead of "verifying…" left standing.
    const audit = header
      .then(() => ((this.task?.counts.total ?? 0) > AUTO_AUDIT_MAX_EXECUTIONS ? this.offerAudit() : this.verify()))
      .catch((error) => this.audit.replaceChildren(el('div', { class: 'panel-head' }, el('h2', {}, 'Audit')), el('p', { class: 'error', id: 'audit-error' }, errorText(error))));
    const history = this.loadHistory().catch((error) => this.timeline.replaceChildren(el('li', { class: 'error' }, errorText(error))));
    await Promise.all([header, this.executions.load(minPosition), audit, history]);
  }

  /** The header says why it is empty (a task id that does not exist, the gateway down) instead of staying blank. */
  showHeaderError(error) {
    this.header.replaceChildren(
      el('div', { class: 'panel-head' }, el('h1', { style: 'flex: 1' }, el('code', {}, this.taskId)),
        el('button', { type: 'button', class: 'small', onclick: () => void this.load() }, 'Retry')),
      el('p', { class: 'error', id: 'task-error' }, errorText(error)));
  }

  async loadHeader(minPosition) {
    const [task, stats] = await Promise.all([
      get(`tasks/${encodeURIComponent(this.taskId)}${query({ minPosition })}`),
      get(`tasks/${encodeURIComponent(this.taskId)}/stats${query({ minPosition })}`),
    ]);
    this.task = task;
    this.definition.replaceChildren(definitionPanel(task));
    const rate = stats.successRate === undefined ? '—' : `${Math.round(stats.successRate * 100)}%`;
    this.header.replaceChildren(
      el('div', { class: 'panel-head' },
        el('h1', { style: 'flex: 1' }, task.name, ' ', badge(taskStatus(task))),
        el('div', { class: 'actions' }, taskButtons(task, this.actions),
          el('button', { type: 'button', class: 'small', onclick: () => this.actions.triggerWithConfig(task) }, 'Trigger with config…'),
          task.enabled === false
            ? el('button', { type: 'button', class: 'small', onclick: () => this.actions.enable(task) }, 'Enable')
            : el('button', { type: 'button', class: 'small', onclick: () => this.actions.disable(task) }, 'Disable'),
          el('button', { type: 'button', class: 'small danger', onclick: () => this.actions.remove(task) }, 'Delete'))),
      el('p', { class: 'muted', style: 'margin: 0 0 12px' }, task.description || 'No description.', ' · ', el('code', {}, task.taskId)),
      el('div', { class: 'stats' },
        stat(describeSchedules(task.schedules), 'schedule'),
        stat(task.state === 'paused' || !task.nextFireAt ? (task.state === 'paused' ? 'paused' : '—') : el('span', { title: when(task.nextFireAt) }, relative(task.nextFireAt)), 'next fire'),
        stat(el('code', {}, task.executor), 'executor'),
        stat(String(stats.finished), 'finished'),
        stat(rate, 'success rate'),
        stat(elapsed(stats.avgDurationMs) || '—', 'avg duration'),
        stat(elapsed(stats.p95DurationMs) || '—', 'p95 duration')));
  }

  /** A task with many executions: its audit on demand, saying what it costs (each page view ran it). */
  offerAudit() {
    this.audit.replaceChildren(
      el('div', { class: 'panel-head' }, el('h2', {}, 'Audit'),
        el('button', { type: 'button', class: 'small', id: 'audit-verify', onclick: () => void this.verify().catch((error) => this.audit.append(el('p', { class: 'error' }, errorText(error)))) }, 'Verify')),
      el('p', { class: 'muted' }, `${this.task.counts.total} executions: verifying reads every stream of the task, which takes a while.`));
  }

  /** Recomputes the hash chains of every stream of the task (GET tasks/:id/audit). */
  async verify() {
    this.audit.replaceChildren(el('div', { class: 'panel-head' }, el('h2', {}, 'Audit'), el('span', { class: 'muted' }, 'verifying…')));
    const report = await get(`tasks/${encodeURIComponent(this.taskId)}/audit`);
    this.audit.replaceChildren(
      el('div', { class: 'panel-head' }, el('h2', {}, 'Audit'),
        el('button', { type: 'button', class: 'small', onclick: () => void this.verify() }, 'Verify again')),
      el('p', { id: 'audit-result' }, badge(report.ok ? 'ok' : 'broken'), ' ',
        report.ok ? `hash chains intact: ${plural(report.events, 'event')} in ${plural(report.streams, 'stream')}` : `${report.broken.length} broken stream(s)`,
        report.unhashed ? el('span', { class: 'muted' }, ` (${report.unhashed} events predate hashing)`) : null),
      report.broken.length
        ? el('ul', {}, report.broken.map((link) => el('li', {}, el('code', {}, `${link.streamId}@${link.revision}`), ` ${link.reason} (event ${link.eventId})`)))
        : el('p', { class: 'muted' }, 'Each event carries sha256(previous hash + the event); an edited, forged or deleted event breaks the chain.'));
  }

  /**
   * The latest HISTORY_PAGES pages of the history, newest first (the query pages backward from the head). When older
   * events remain, a marker under them says how many are shown and loads older pages in place. Live events that
   * arrive while the pages load are held and put on top once they are in (none is lost between the two).
   */
  async loadHistory() {
    this.positions = undefined;
    this.held = [];
    this.timeline.replaceChildren();
    this.more = el('li', { class: 'muted', id: 'history-more' });
    await this.loadHistoryBefore(undefined);
  }

  async loadHistoryBefore(beforePosition) {
    const events = [];
    let cursor = beforePosition;
    for (let page = 0; page < HISTORY_PAGES; page += 1) {
      const result = await get(`tasks/${encodeURIComponent(this.taskId)}/history${query({ direction: 'backward', beforePosition: cursor, limit: 500 })}`);
      events.push(...result.events);
      cursor = result.nextCursor;
      if (cursor === undefined) break;
    }
    const known = this.positions ?? new Set();
    const fresh = events.filter((event) => !known.has(event.position));
    for (const event of fresh) known.add(event.position);
    // Newest first, above the marker (the first time: into the empty timeline), under what was loaded before.
    for (const item of fresh.map(historyItem)) this.timeline.insertBefore(item, this.more.isConnected ? this.more : null);
    if (!this.positions) {
      this.positions = known;
      for (const event of this.held.splice(0)) this.showLive(event);
    }
    if (cursor === undefined) return this.more.remove();
    this.more.replaceChildren(`${known.size} events shown, the latest back to position ${cursor} `,
      el('button', { type: 'button', class: 'small', onclick: () => void this.loadHistoryBefore(cursor) }, 'Load older'));
    if (!this.more.isConnected) this.timeline.append(this.more);
  }

  showLive(event) {
    if (this.positions.has(event.position)) return;
    this.positions.add(event.position);
    this.timeline.prepend(historyItem(event));
  }

  /** A live event of this task: on top of the history, into the executions, and the header once the read model has it. */
  onEvent(event) {
    // By its task id (replayed after a reconnect too), or by the task's own stream should a replay not name it.
    if (event.taskId !== this.taskId && event.streamId !== `task-${this.taskId}`) return;
    this.executions.onEvent(event);
    if (this.positions) this.showLive(event);
    else this.held?.push(event);
    if (event.type === 'TaskProgressed') return;
    this.reloadHeader(event.position);
  }
}

const plural = (count, noun) => `${count} ${noun}${count === 1 ? '' : 's'}`;

function stat(value, label) {
  return el('div', { class: 'stat' }, el('b', {}, value), el('span', {}, label));
}

export function historyItem(event) {
  const [category] = event.streamId.split('-', 1);
  const id = event.streamId.slice(category.length + 1);
  // An execution's stream, and a workflow run's (the run's id is its execution's), link to the execution's page.
  const stream = category === 'task' ? 'task' : [`${category === 'workflow' ? 'workflow run' : category} `, el('a', { href: executionHref(id) }, id)];
  return el('li', {},
    el('span', { class: 'muted', title: event.metadata?.occurredAt }, when(event.metadata?.occurredAt)),
    el('details', {}, el('summary', {}, el('b', {}, event.type), event.data?.stepId ? ` ${event.data.stepId}` : '', ' ', el('span', { class: 'muted' }, stream)),
      el('pre', {}, JSON.stringify({ data: event.data, metadata: event.metadata }, null, 2))),
    el('span', { class: 'muted mono', title: 'stream revision / global position' }, `#${event.revision} · ${event.position}`));
}

/** A failed request in words: the structured error's code and message, or whatever went wrong on the way. */
export const errorText = (error) => (error.code ? `${error.code}: ${error.message}` : String(error.message ?? error));
