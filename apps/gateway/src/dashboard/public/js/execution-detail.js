import { get, query } from './api.js';
import { badge, el, elapsed, omitted, progressBar, relative, reloader, when } from './format.js';
import { ACTIVE, executionButtons } from './executions-view.js';
import { errorText, historyItem } from './task-detail.js';
import { executionHref, stepsPanel } from './workflow-steps.js';

/**
 * One execution: where it stands, its result or error, every attempt with its error and log lines, a workflow run's
 * steps, and its events. Live: progress moves in place, other events of it (or of its run's steps) reload it.
 */
export class ExecutionDetailView {
  constructor(executionId, actions) {
    this.executionId = executionId;
    this.actions = actions;
    this.back = el('div', {}, el('a', { href: '#/' }, '← all tasks'));
    this.header = el('section', { class: 'panel', id: 'execution-header' });
    this.steps = el('section', { class: 'panel', id: 'steps-panel', hidden: true });
    this.attempts = el('section', { class: 'panel', id: 'attempts-panel' });
    this.timeline = el('ol', { class: 'timeline', id: 'history' });
    this.reloadSoon = reloader((minPosition) => this.load(minPosition), 150);
    this.node = el('div', { style: 'display: grid; gap: 20px' }, this.back, this.header, this.steps, this.attempts,
      el('section', { class: 'panel' }, el('div', { class: 'panel-head' }, el('h2', {}, 'History'), el('span', { class: 'muted' }, 'every event of this execution, newest first')), this.timeline));
  }

  async load(minPosition) {
    let execution;
    try {
      execution = await get(`executions/${encodeURIComponent(this.executionId)}${query({ minPosition })}`);
    } catch (error) {
      this.header.replaceChildren(el('h1', {}, el('code', {}, this.executionId)), el('p', { class: 'error', id: 'execution-error' }, errorText(error)));
      this.attempts.hidden = true;
      return;
    }
    this.execution = execution;
    const [owner, run] = await Promise.all([this.ownerOf(execution), this.runOf(execution, minPosition), this.loadHistory()]);
    this.back.replaceChildren(el('a', { href: `#/tasks/${encodeURIComponent(owner.taskId)}` }, `← ${owner.name}`));
    this.header.replaceChildren(...present(this.headerContent(execution, owner)));
    this.steps.hidden = !run;
    if (run) this.steps.replaceChildren(...present(stepsPanel(run)));
    this.attempts.hidden = false;
    this.attempts.replaceChildren(...attemptsContent(execution));
  }

  /**
   * The task it belongs to, to name and link: its own, or for a workflow step (task `<taskId>:<stepId>`) the workflow,
   * with the run it is a step of; for a failure notice the task, with the execution it announces.
   */
  async ownerOf(execution) {
    const task = (taskId) => get(`tasks/${encodeURIComponent(taskId)}`).catch(() => undefined);
    // A step: execution `<runId>:<stepId>` of task `<taskId>:<stepId>` (a task's own executions are `<taskId>@<ms>`
    // or a command id). Its workflow is asked for first: its pseudo task id has no task to find.
    const colon = execution.taskId.lastIndexOf(':');
    const stepId = colon > 0 ? execution.taskId.slice(colon + 1) : undefined;
    if (stepId !== undefined && execution.executionId.endsWith(`:${stepId}`)) {
      const workflow = await task(execution.taskId.slice(0, colon));
      const runId = execution.executionId.slice(0, -stepId.length - 1);
      if (workflow?.executor === 'workflow') return { taskId: workflow.taskId, name: `${workflow.name} › ${stepId}`, runId };
      // A failure notice (`<executionId>:notify` of `<taskId>:notify`): the notice of that execution of its task.
      if (workflow && stepId === 'notify') return { taskId: workflow.taskId, name: `${workflow.name} › notify`, noticeOf: runId };
    }
    const own = await task(execution.taskId);
    return own ? { taskId: own.taskId, name: own.name, task: own } : { taskId: execution.taskId, name: execution.taskId };
  }

  /** A workflow run's steps: the run's id is its execution's. */
  runOf(execution, minPosition) {
    // A run still due has no steps to show yet (its run begins when it starts: the page reloads then).
    if (execution.executor !== 'workflow' || execution.status === 'due') return undefined;
    return get(`workflows/${encodeURIComponent(execution.executionId)}${query({ minPosition })}`).catch(() => undefined);
  }

  headerContent(execution, owner) {
    const ended = ['failed', 'cancelled'].includes(execution.status);
    const facts = [
      ['task', el('a', { href: `#/tasks/${encodeURIComponent(owner.taskId)}` }, owner.name)],
      ['step of run', owner.runId ? el('a', { href: executionHref(owner.runId) }, owner.runId) : null],
      ['notice of', owner.noticeOf ? el('a', { href: executionHref(owner.noticeOf) }, owner.noticeOf) : null],
      // Its task announces failures for good (notify): where this one's notice is.
      ['notice', execution.status === 'failed' && owner.task?.notify ? el('a', { href: executionHref(`${execution.executionId}:notify`) }, `POST to ${owner.task.notify.url}`) : null],
      ['executor', el('code', {}, execution.executor)],
      ['reason', execution.reason],
      ['scheduled', exact(execution.scheduledAt)],
      ['started', exact(execution.startedAt)],
      ['ended', exact(execution.endedAt)],
      ['duration', elapsed(execution.durationMs) || null],
      ['attempt', execution.attempt ? String(execution.attempt) : null],
      ['next attempt', execution.retryAt ? `${execution.attempt + 1} ${relative(execution.retryAt)} (${when(execution.retryAt)})` : null],
      ['worker', execution.workerId ? el('code', {}, execution.workerId) : null],
      ['why', execution.endReason ?? null],
      ['waiting', owner.task ? slotWait(execution, owner.task, Date.now()) : null],
    ].filter(([, value]) => value !== null && value !== undefined && value !== '');
    return [
      el('div', { class: 'panel-head' },
        el('h1', { style: 'flex: 1' }, owner.name, ' ', badge(execution.status)),
        el('div', { class: 'actions' }, executionButtons(execution, this.actions),
          execution.executor === 'workflow' && ended
            ? el('button', { type: 'button', class: 'small', onclick: () => this.actions.resumeRun(execution) }, 'Resume run')
            : null)),
      el('p', { class: 'muted', style: 'margin: 0 0 12px' }, 'execution ', el('code', {}, execution.executionId)),
      ACTIVE.has(execution.status) && execution.status !== 'due' ? el('div', { id: 'execution-progress', style: 'max-width: 420px; margin-bottom: 12px' }, progressBar(execution)) : null,
      el('dl', { class: 'definition' }, facts.flatMap(([label, value]) => [el('dt', {}, label), el('dd', { dataset: { field: label } }, value)])),
      // What it ran with, from its TaskDue: the task's config then, or a trigger's own (a config patch).
      this.config === undefined ? null : el('details', { id: 'execution-config', style: 'margin-top: 12px' },
        el('summary', {}, 'Config it ran with'), el('pre', { class: 'config' }, JSON.stringify(this.config, null, 2))),
      outcome(execution),
    ];
  }

  /** Every page of its one stream (progress reports can take an execution past one page; it stopped at 500). */
  async loadHistory() {
    const events = [];
    let afterPosition;
    do {
      const result = await get(`executions/${encodeURIComponent(this.executionId)}/history${query({ afterPosition, limit: 500 })}`).catch(() => ({ events: [] }));
      events.push(...result.events);
      afterPosition = result.nextCursor;
    } while (afterPosition !== undefined);
    this.positions = new Set(events.map((event) => event.position));
    this.config = events[0]?.type === 'TaskDue' ? events[0].data.config : undefined;
    this.timeline.replaceChildren(...events.map(historyItem).reverse());
  }

  /** Its own events, its run's, and its steps' (`<runId>:<stepId>`): progress in place, the rest reloads. */
  onEvent(event) {
    const own = event.streamId === `execution-${this.executionId}`;
    const related = own || event.streamId === `workflow-${this.executionId}` || event.streamId.startsWith(`execution-${this.executionId}:`);
    if (!related) return;
    if (own && event.type === 'TaskProgressed' && this.execution) {
      this.execution = { ...this.execution, status: 'running', progress: { percent: event.data.percent, message: event.data.message } };
      this.header.querySelector('#execution-progress')?.replaceChildren(progressBar(this.execution));
      return;
    }
    this.reloadSoon(event.position);
  }
}

/** replaceChildren writes a null as the text "null": the parts a page leaves out are dropped first. */
const present = (nodes) => nodes.filter((node) => node !== null && node !== undefined && node !== false);
const exact = (iso) => (iso ? el('span', { title: iso }, `${when(iso)} · ${relative(iso)}`) : null);

/**
 * Why a due execution has not started, when its task is at its concurrency limit and its overlap policy makes it
 * wait (schedctl's slot-wait.ts; the limit is the contracts' concurrencyLimitOf: maxConcurrent, or 1 with only an
 * overlap policy named).
 */
function slotWait(execution, task, nowMs) {
  const limit = task.maxConcurrent ?? (task.overlap === undefined ? undefined : 1);
  const waits = (task.overlap ?? 'queue') === 'queue' || task.overlap === 'buffer-one';
  const dueNow = Date.parse(execution.scheduledAt) <= nowMs && (!execution.retryAt || Date.parse(execution.retryAt) <= nowMs);
  if (execution.status !== 'due' || !dueNow || limit === undefined || !waits || task.counts.running < limit) return null;
  return `for a free slot: ${task.counts.running} of at most ${limit} running (overlap ${task.overlap ?? 'queue'})`;
}

/** What it came to: the result (succeeded), or the error and its message in full. */
function outcome(execution) {
  if (execution.error) {
    const still = ACTIVE.has(execution.status);
    return el('div', { id: 'execution-outcome', style: 'margin-top: 12px' },
      el('h3', {}, still ? 'Error of the last attempt' : 'Error'),
      el('pre', { class: 'config error' }, `${execution.error.type}: ${execution.error.message}`));
  }
  const cut = omitted(execution, 'result');
  if (execution.status !== 'succeeded' || ((execution.result === undefined || execution.result === null) && !cut)) return null;
  return el('div', { id: 'execution-outcome', style: 'margin-top: 12px' }, el('h3', {}, 'Result'), el('pre', { class: 'config' }, cut ?? JSON.stringify(execution.result, null, 2)));
}

/** Each attempt: who ran it, how it ended, and its log lines (the executor's logger, a command's output). */
function attemptsContent(execution) {
  const attempts = execution.attempts ?? [];
  const head = el('div', { class: 'panel-head' }, el('h2', {}, 'Attempts'), el('span', { class: 'muted' }, attempts.length ? `${attempts.length}` : 'none started yet'));
  if (!attempts.length) return [head];
  return [head, el('ol', { class: 'attempts' }, attempts.map((attempt) =>
    el('li', { dataset: { attempt: attempt.attempt, status: attempt.status } },
      el('div', { class: 'attempt-line' },
        el('b', {}, `#${attempt.attempt}`), ' ', badge(attempt.status), ' ',
        el('span', { class: 'muted' }, `${when(attempt.startedAt)} · ${elapsed(attempt.durationMs) || 'running'} · ${attempt.workerId}`)),
      attempt.error ? el('pre', { class: 'config error' }, `${attempt.error.type}: ${attempt.error.message}`) : null,
      attempt.logs?.length
        ? el('pre', { class: 'config logs' }, attempt.logs.map((line) => `${when(line.at)}  ${line.level.padEnd(5)}  ${line.message.trimEnd()}`).join('\n'))
        : omitted(attempt, 'logs') ? el('pre', { class: 'config logs' }, `logs ${omitted(attempt, 'logs')}`) : null)))];
}
