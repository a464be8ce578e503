import { errorMessage } from './errors';
import { Cron, type CronOptions } from 'croner';

/**
 * How sched reads every cron expression, the same for the timer, validation and the jitter check, so what is accepted
 * is what fires. `fixedTimeRule` is the DST rule described in libs/domain's cron.occurrences.ts.
 *
 * Day of month and day of week combine as in Vixie cron (entry.c marks a field that BEGINS with `*` as unrestricted;
 * cron.c then ANDs the two): only when neither begins with `*` does a day matching either fire. Croner ORs whenever
 * neither field is exactly `*`, so `0 0 *\/2 * MON` would fire on every odd day and every Monday rather than on odd-dated
 * Mondays; `domAndDow` is set per expression to get Vixie's reading. `?` counts as `*` (croner reads it so).
 */
export function cronOptionsFor(expression: string): CronOptions {
  const fields = expression.trim().split(/\s+/);
  // Fewer than 5 fields: a nickname (croner expands it; every one has a `*` day field) or an error croner reports.
  const [dayOfMonth, dayOfWeek] = fields.length === 6 ? [fields[3], fields[5]] : [fields[2] ?? '', fields[4] ?? ''];
  const unrestricted = (field: string) => field.startsWith('*') || field.startsWith('?');
  return { paused: true, mode: '5-or-6-parts', fixedTimeRule: 'no-wildcard', domAndDow: unrestricted(dayOfMonth) || unrestricted(dayOfWeek) };
}

/** Returns why a time zone is unusable, or undefined. Intl is what croner itself converts with, so it is the judge. */
export function timezoneIssue(timezone: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return undefined;
  } catch {
    return `"${timezone}" is not an IANA time zone such as "UTC", "Europe/Berlin" or "America/New_York"`;
  }
}

/**
 * Returns why a cron expression is unusable, or undefined. We accept exactly 5 fields (minute precision) or 6 (seconds
 * first); 7-field year patterns are refused so the contract stays portable (nicknames such as "@daily" are turned
 * into their 5 fields on input, see CRON_NICKNAMES, and never stored).
 * `requireMatch` also refuses expressions that can never fire ("0 0 30 2 *"); it costs up to ~50 ms for those, so it
 * runs on user input only, not each time a stored event is validated.
 */
export function cronExpressionIssue(expression: string, timezone: string, requireMatch = false): string | undefined {
  const fields = expression.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6) {
    const nicknames = fields === 1 && expression.trim().startsWith('@') ? `, or one of ${Object.keys(CRON_NICKNAMES).join(', ')}` : '';
    return `cron expression must have 5 fields (minute hour day month weekday) or 6 (seconds first)${nicknames}, got ${fields}`;
  }
  try {
    const cron = new Cron(expression, { ...cronOptionsFor(expression), timezone });
    if (requireMatch && cron.nextRun(new Date(0)) === null) return 'cron expression never matches any date';
    return undefined;
  } catch (error) {
    const message = inCronTerms(errorMessage(error), expression);
    // "0 9 * * 1-5 2030" reads as seconds first, so the year lands in the weekday: say how 6 fields are read.
    return fields === 6 ? `${message} (6 fields are read seconds first: second minute hour day month weekday; no year field)` : message;
  }
}

/** Each field's range as cron writes it; croner counts days and months from 0 in its messages. */
const FIELD_RANGES: Readonly<Record<string, { readonly name: string; readonly min: number; readonly max: number; readonly fromZero?: boolean }>> = {
  second: { name: 'second', min: 0, max: 59 },
  minute: { name: 'minute', min: 0, max: 59 },
  hour: { name: 'hour', min: 0, max: 23 },
  day: { name: 'day of month', min: 1, max: 31, fromZero: true },
  month: { name: 'month', min: 1, max: 12, fromZero: true },
  dayOfWeek: { name: 'day of week', min: 0, max: 7 },
};

/** The fields of a 6-field expression (a 5-field one lacks the first), in order, as messages name them. */
const FIELD_NAMES = ['second', 'minute', 'hour', 'day of month', 'month', 'day of week'];

/**
 * croner's messages in our words, naming the field or the expression: "Invalid value for day: 31" (for a 32) as "day
 * of month 32 is out of range (1-31)", "configuration entry 5 (FOO) contains illegal characters" as "day of week
 * "FOO" ..."; any other (croner's own wording, "CronPattern: Syntax error, illegal stepping: 0") after the expression,
 * its text kept for the detail it gives. They went out raw, prefix and all.
 */
function inCronTerms(message: string, expression: string): string {
  const match = /Invalid value for (\w+): (-?\d+)/.exec(message);
  const range = match ? FIELD_RANGES[match[1]] : undefined;
  if (match && range) {
    const value = Number(match[2]) + (range.fromZero ? 1 : 0);
    return `${range.name} ${value} is out of range (${range.min}-${range.max})`;
  }
  // croner numbers its entries from the seconds (0), which it adds itself to a 5-field expression.
  const illegal = /configuration entry (\d+) \((.*)\) contains illegal characters/.exec(message);
  const field = illegal ? FIELD_NAMES[Number(illegal[1])] : undefined;
  if (illegal && field) return `${field} "${illegal[2]}" is not a cron value (numbers, names such as MON or JAN, and * , - / ? L #)`;
  const detail = message.replace(/^CronPattern:\s*/, '').replace(/\.$/, '');
  return `cron expression "${expression.trim()}" cannot be read: ${detail.charAt(0).toLowerCase()}${detail.slice(1)}`;
}

/** Fires sampled to find an expression's shortest gap (what "its period" is for a jitter). */
const GAP_SAMPLES = 64;

/**
 * The shortest time between two consecutive fires of a (valid) expression over its next GAP_SAMPLES fires after
 * `fromMs`, or undefined when it fires fewer than twice. A jitter longer than that lets a later fire come before an
 * earlier one, and costs the timer that many occurrences looked at per fire (a 1 h jitter on every second: 3,600).
 */
export function shortestCronGapMs(expression: string, timezone: string, fromMs: number): number | undefined {
  const runs = new Cron(expression, { ...cronOptionsFor(expression), timezone }).nextRuns(GAP_SAMPLES, new Date(fromMs));
  let shortest: number | undefined;
  for (let i = 1; i < runs.length; i++) {
    const gap = runs[i].getTime() - runs[i - 1].getTime();
    if (shortest === undefined || gap < shortest) shortest = gap;
  }
  return shortest;
}

/**
 * Vixie cron's nicknames, taken on input and stored as the 5 fields they stand for (what is stored stays 5 or 6
 * fields, as every reader of the events expects). `@reboot` has no meaning for a scheduler and stays refused.
 */
export const CRON_NICKNAMES: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** A cron expression as written → as stored: single spaces (equal schedules compare equal), a nickname as its fields. */
export function normalizeCronExpression(written: string): string {
  const spaced = written.trim().split(/\s+/).join(' ');
  return CRON_NICKNAMES[spaced.toLowerCase()] ?? spaced;
}
