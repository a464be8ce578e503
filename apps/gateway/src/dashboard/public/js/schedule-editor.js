import { post } from './api.js';
import { durationText, el, when } from './format.js';
import { scheduleBounds } from './task-definition.js';

const LOCAL_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const ZONES = [...new Set(['UTC', LOCAL_ZONE, 'Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'Asia/Tokyo'])];
const CRON_EXAMPLES = [
  ['*/5 * * * *', 'every 5 minutes'],
  ['0 9 * * MON-FRI', 'weekdays at 09:00'],
  ['30 2 * * SUN', 'Sundays at 02:30'],
  ['0 0 1 * *', 'the 1st of each month'],
  ['*/10 * * * * *', 'every 10 seconds (6 fields)'],
  ['@daily', 'every day at 00:00 (stored as 0 0 * * *)'],
];

/** datetime-local wants "YYYY-MM-DDTHH:mm" in local time. */
const toLocalInput = (iso) => {
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

/**
 * The schedules part of the task form: one row per schedule (interval, cron or one-shot), cron help, and a preview
 * of the next fires computed by the server (`sched.query.task.next-fires` with `schedules`) as the user types.
 */
export class ScheduleEditor {
  constructor(schedules = []) {
    this.list = el('div', { class: 'schedule-list', style: 'display: grid; gap: 8px' });
    this.help = cronHelp((expression) => this.fillCron(expression));
    this.preview = el('div', { class: 'preview', id: 'next-fires-preview' });
    this.timer = undefined;
    this.node = el('div', { class: 'wide', style: 'display: grid; gap: 10px' },
      el('div', { class: 'panel-head', style: 'margin: 0' },
        el('h3', { style: 'margin: 0; flex: 1' }, 'Schedules'),
        el('button', { type: 'button', class: 'small', onclick: () => this.add({ type: 'interval', everyMs: 60_000 }) }, '+ Interval'),
        el('button', { type: 'button', class: 'small', onclick: () => this.add({ type: 'cron', expression: '0 9 * * *', timezone: LOCAL_ZONE }) }, '+ Cron'),
        el('button', { type: 'button', class: 'small', onclick: () => this.add({ type: 'once', at: new Date(Date.now() + 3_600_000).toISOString() }) }, '+ Once')),
      this.list, this.help, this.preview,
      el('datalist', { id: 'time-zones' }, ZONES.map((zone) => el('option', { value: zone }))));
    for (const spec of schedules) this.add(spec, false);
    this.changed();
  }

  add(spec, focus = true) {
    const row = scheduleRow(spec, () => this.changed(), () => {
      row.remove();
      this.changed();
    });
    this.list.append(row);
    if (focus) row.querySelector('input')?.focus();
    this.changed();
  }

  fillCron(expression) {
    let input = this.list.querySelector('[name="expression"]');
    if (!input) {
      this.add({ type: 'cron', expression, timezone: LOCAL_ZONE });
      input = this.list.querySelector('[name="expression"]');
    }
    input.value = expression;
    this.changed();
  }

  /** The schedules as the API takes them. */
  value() {
    return [...this.list.children].map((row) => {
      const field = (name) => row.querySelector(`[name="${name}"]`)?.value.trim() ?? '';
      const kept = KEPT_FIELDS.has(row) ? KEPT_FIELDS.get(row) : {};
      switch (row.dataset.type) {
        case 'interval':
          return { type: 'interval', every: field('every'), ...(field('offset') ? { offset: field('offset') } : {}), ...kept };
        case 'cron':
          return { type: 'cron', expression: field('expression'), timezone: field('timezone') || 'UTC', ...kept };
        default:
          return { type: 'once', at: field('at') ? new Date(field('at')).toISOString() : '', ...kept };
      }
    });
  }

  changed() {
    this.help.hidden = !this.list.querySelector('[data-type="cron"]');
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refreshPreview(), 300);
  }

  async refreshPreview() {
    const schedules = this.value();
    if (schedules.length === 0) {
      this.preview.replaceChildren(el('span', { class: 'muted' }, 'No schedule: the task runs only when triggered.'));
      return;
    }
    try {
      const { fires } = await post('schedules/next-fires', { schedules, count: 5 });
      this.preview.replaceChildren(el('b', {}, 'Next fires'),
        fires.length ? el('ol', {}, fires.map((fire) => el('li', { title: fire.fireAt }, when(fire.fireAt)))) : el('div', { class: 'muted' }, 'never (the window has passed)'));
    } catch (error) {
      this.preview.replaceChildren(el('span', { class: 'error' }, error.message));
    }
  }
}

/**
 * What a row does not show of the schedule it was made from (window, jitter, fire budget, exclusions), sent back
 * with it: an edit of the task's name must not drop a schedule's holidays. The row says it keeps them; removing the
 * row drops them with it. (These fields are in the stored form, which the API takes as input as it is.)
 */
const KEPT_FIELDS = new WeakMap();
const KEPT_NAMES = ['startAt', 'endAt', 'jitterMs', 'maxFires', 'exclude'];

function scheduleRow(spec, onChange, onRemove) {
  const input = (name, label, value, attributes = {}) =>
    el('label', {}, label, el('input', { name, value: value ?? '', oninput: onChange, ...attributes }));
  const fields = {
    interval: () => [input('every', 'Every', spec.everyMs ? durationText(spec.everyMs) : '', { placeholder: '30s, 5m, 1h', required: true }),
      input('offset', 'Offset (optional)', spec.offsetMs ? durationText(spec.offsetMs) : '', { placeholder: '0s' })],
    cron: () => [input('expression', 'Cron expression', spec.expression, { placeholder: 'min hour day month weekday', class: 'mono', required: true }),
      input('timezone', 'Time zone', spec.timezone ?? LOCAL_ZONE, { list: 'time-zones' })],
    once: () => [input('at', 'At (local time)', spec.at ? toLocalInput(spec.at) : '', { type: 'datetime-local', required: true }), el('span')],
  };
  const kept = Object.fromEntries(KEPT_NAMES.filter((name) => spec[name] !== undefined).map((name) => [name, spec[name]]));
  const bounds = scheduleBounds(kept);
  const row = el('div', { class: 'schedule-row', dataset: { type: spec.type } },
    el('label', {}, 'Type', el('span', { class: 'schedule-type' }, spec.type)),
    ...fields[spec.type](),
    el('button', { type: 'button', class: 'small danger', title: 'remove this schedule', onclick: onRemove }, 'Remove'),
    bounds.length ? el('div', { class: 'muted wide kept-bounds', style: 'grid-column: 1 / -1' }, `Kept as set through the API: ${bounds.join(', ')}`) : null);
  KEPT_FIELDS.set(row, kept);
  return row;
}

function cronHelp(use) {
  return el('div', { class: 'cron-help', hidden: true },
    el('div', {}, el('b', {}, 'Cron: '), el('code', {}, 'minute hour day-of-month month day-of-week'),
      ' — optionally seconds first (6 fields). ', el('code', {}, '*'), ' any, ', el('code', {}, '*/n'), ' every n, ',
      el('code', {}, 'a-b'), ' range, ', el('code', {}, 'a,b'), ' list; days ', el('code', {}, 'SUN-SAT'), ' or 0-6; or ',
      el('code', {}, '@hourly'), ', ', el('code', {}, '@daily'), ', ', el('code', {}, '@weekly'), ', ', el('code', {}, '@monthly'), ', ', el('code', {}, '@yearly'), '.'),
    el('div', { class: 'examples' }, CRON_EXAMPLES.map(([expression, meaning]) =>
      el('button', { type: 'button', class: 'small', title: meaning, onclick: () => use(expression) }, expression))));
}
