// DOM building and formatting helpers shared by the views.

/** `el('td', { class: 'x', onclick }, child, 'text')`: attributes starting with "on" become listeners. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export const badge = (status) => el('span', { class: `badge ${status}` }, status);

const UNITS = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

/** 90000 → "1m30s", 5400000 → "1h30m": a compound as the API accepts it back (the contracts' formatDurationMs). */
export function durationText(ms) {
  if (!Number.isInteger(ms) || ms <= 0) return `${ms}ms`;
  let rest = ms;
  let text = '';
  for (const [unit, size] of UNITS) {
    const amount = Math.floor(rest / size);
    if (amount > 0) text += `${amount}${unit}`;
    rest -= amount * size;
  }
  return text;
}

/** A run time for people: "850 ms", "12.4 s", "3 min 5 s". */
export function elapsed(ms) {
  if (ms === undefined || ms === null) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

// With the zone's name: they are the browser's times, which need not be a schedule's (a Berlin cron seen from Tokyo).
const timeFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' });
const yearTimeFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' });

/** An instant for people, with its year when that is not this year's (a one-shot next January, an old run). */
export function when(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return (date.getFullYear() === new Date().getFullYear() ? timeFormat : yearTimeFormat).format(date);
}

/** "in 12 s", "3 min ago". */
export function relative(iso, now = Date.now()) {
  if (!iso) return '';
  const delta = Date.parse(iso) - now;
  const abs = Math.abs(delta);
  const text = abs < 1000 ? 'now' : abs < 60_000 ? `${Math.round(abs / 1000)} s` : abs < 3_600_000 ? `${Math.round(abs / 60_000)} min` : abs < 86_400_000 ? `${Math.round(abs / 3_600_000)} h` : `${Math.round(abs / 86_400_000)} d`;
  if (text === 'now') return text;
  return delta > 0 ? `in ${text}` : `${text} ago`;
}

/** A time cell: relative, with the exact instant below. */
export const timeCell = (iso) => (iso ? [el('span', { title: iso }, relative(iso)), el('span', { class: 'sub' }, when(iso))] : el('span', { class: 'muted' }, '—'));

/** A stored schedule in words. */
export function describeSchedule(spec) {
  switch (spec.type) {
    case 'interval':
      return `every ${durationText(spec.everyMs)}${spec.offsetMs ? ` (+${durationText(spec.offsetMs)})` : ''}`;
    case 'cron':
      return `cron ${spec.expression}${spec.timezone && spec.timezone !== 'UTC' ? ` · ${spec.timezone}` : ''}`;
    case 'once':
      return `once, ${when(spec.at)}`;
    default:
      return spec.type;
  }
}

export const describeSchedules = (schedules) => (schedules?.length ? schedules.map(describeSchedule).join('; ') : 'manual only');

/** The status a task shows: its schedule status when the server reports one, otherwise its state. */
export const taskStatus = (task) => task.scheduleStatus ?? (task.enabled === false ? 'disabled' : task.state);

export const shortId = (id) => (id.length > 14 ? `${id.slice(0, 8)}…` : id);

/** A progress bar for an execution row. */
export function progressBar(execution) {
  const finished = ['succeeded', 'failed', 'cancelled', 'skipped'].includes(execution.status);
  const percent = execution.status === 'succeeded' ? 100 : Math.round(execution.progress?.percent ?? 0);
  const label = finished ? `${percent}%` : execution.status === 'running' ? `${percent}%${execution.progress?.message ? ` · ${execution.progress.message}` : ''}` : execution.status;
  return el('div', {},
    el('div', { class: `progress ${execution.status}`, role: 'progressbar', 'aria-valuenow': percent, 'aria-valuemin': 0, 'aria-valuemax': 100 },
      el('span', { style: `width: ${percent}%` })),
    el('div', { class: 'progress-label' }, label));
}

export function toast(message, bad = false) {
  const node = el('div', { class: `toast${bad ? ' bad' : ''}` }, message);
  document.getElementById('toasts').append(node);
  setTimeout(() => node.remove(), bad ? 6000 : 3000);
}

/**
 * Reloads after live events: `load(minPosition)` `delayMs` after an event, read at least at the newest event's
 * position (its effect must show), and at most one start every `minIntervalMs`; an event after a load started makes
 * one more. (A debounce never reloaded under events less than `delayMs` apart; a task table filtered by status,
 * which reads every task, reloaded back to back.) A load that has not answered does not hold the next one back (one
 * gated on it waited out every slow answer, past what a test allowed; the task table keeps the answer of the load
 * started last). Returns the function to call with each event's position.
 */
export function reloader(load, delayMs, minIntervalMs = delayMs) {
  let timer;
  let pending = 0;
  let startedAt = -Infinity;
  const run = () => {
    timer = undefined;
    const minPosition = pending;
    pending = 0;
    startedAt = Date.now();
    void Promise.resolve(load(minPosition)).catch(() => undefined);
  };
  return (position) => {
    pending = Math.max(pending, position ?? 0);
    timer ??= setTimeout(run, Math.max(delayMs, startedAt + minIntervalMs - Date.now()));
  };
}

/** A field the reply left out (too big for one NATS message): its size and where it is in full. */
export function omitted(view, field) {
  const cut = view.omitted?.find((entry) => entry.field === field);
  return cut && `(${cut.bytes} bytes, too big for this view: in full in ${cut.readWith.subject} ${JSON.stringify(cut.readWith.payload)})`;
}
