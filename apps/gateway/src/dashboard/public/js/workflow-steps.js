import { badge, el, elapsed, omitted, when } from './format.js';

/** Where an execution's page is: executions ids hold a colon (a step's `<runId>:<stepId>`), so they are encoded. */
export const executionHref = (executionId) => `#/executions/${encodeURIComponent(executionId)}`;

/**
 * A workflow run's steps in declaration order: each step's status (why it was skipped, which run it was reused from),
 * its dependencies and rule, and its execution, linked, with the attempt it is on and its result or error.
 */
export function stepsPanel(run) {
  const rows = (run.steps ?? []).map((step) =>
    el('tr', { dataset: { stepId: step.id, status: step.status } },
      el('td', {}, step.executionId && !step.reusedFrom ? el('a', { href: executionHref(step.executionId) }, step.id) : step.id,
        el('span', { class: 'sub' }, el('code', {}, step.executor))),
      el('td', { class: 'step-status' }, badge(step.status), stepNote(step)),
      el('td', {}, step.dependsOn.length ? step.dependsOn.join(', ') : '—', el('span', { class: 'sub' }, step.triggerRule)),
      el('td', {}, step.attempt ? String(step.attempt) : '—'),
      el('td', {}, step.scheduledAt && step.endedAt ? elapsed(Date.parse(step.endedAt) - Date.parse(step.scheduledAt)) : ''),
      el('td', { class: 'step-outcome' }, outcomeText(step))));
  const counts = Object.entries(run.counts).filter(([, count]) => count > 0).map(([status, count]) => `${count} ${status}`).join(' · ');
  return [
    el('div', { class: 'panel-head' }, el('h2', {}, 'Steps'),
      el('span', { class: 'muted' }, `${run.mode}${run.mode === 'parallel' ? ` (at most ${run.maxParallel} at once)` : ''}, on failure ${run.onFailure} · ${counts}`)),
    run.resumedFrom ? el('p', { class: 'muted' }, 'Resumed from ', el('a', { href: executionHref(run.resumedFrom) }, run.resumedFrom), ': the steps it had done are reused, not run again.') : null,
    run.resumedAs ? el('p', { class: 'muted' }, 'Resumed as ', el('a', { href: executionHref(run.resumedAs) }, run.resumedAs), ', which reuses the steps this run had done.') : null,
    el('table', {},
      el('thead', {}, el('tr', {}, ['Step', 'Status', 'Depends on', 'Attempt', 'Took', 'Result or error'].map((title) => el('th', {}, title)))),
      el('tbody', {}, rows)),
  ];
}

function stepNote(step) {
  if (step.skipReason) return el('span', { class: 'sub' }, step.skipReason.replace(/_/g, ' '));
  if (step.reusedFrom) return el('span', { class: 'sub' }, 'reused from ', el('a', { href: executionHref(step.reusedFrom) }, 'the earlier run'));
  if (step.executionStatus && step.executionStatus !== step.status) return el('span', { class: 'sub' }, `execution ${step.executionStatus}`);
  if (step.endedAt) return el('span', { class: 'sub', title: step.endedAt }, when(step.endedAt));
  return null;
}

function outcomeText(step) {
  if (step.error) return el('span', { class: 'error', title: step.error.message }, `${step.error.type}: ${clip(step.error.message)}`);
  if (omitted(step, 'result')) return el('span', { class: 'muted' }, omitted(step, 'result'));
  if (step.result === undefined || step.result === null) return step.progress ? `${Math.round(step.progress.percent)}%` : '';
  return el('code', { title: JSON.stringify(step.result, null, 2) }, clip(JSON.stringify(step.result)));
}

const clip = (text, max = 90) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
