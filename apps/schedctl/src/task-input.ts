import * as fs from 'node:fs';
import type { CreateTaskInput } from '@sched/client';
import type { ExecutionTimeouts, ScheduleSpec } from '@sched/contracts';
import { parse as parseYaml } from 'yaml';
import { UsageError } from './exit-codes';

/** The definition flags `task create` and `task update` share. */
export interface DefinitionFlags {
  readonly file?: string;
  readonly name?: string;
  readonly description?: string;
  readonly executor?: string;
  readonly config?: string;
  readonly every?: string;
  readonly offset?: string;
  readonly cron?: string;
  readonly tz?: string;
  readonly at?: string;
  readonly schedule?: readonly string[];
  readonly excludeDates?: readonly string[];
  readonly excludeCron?: readonly string[];
  readonly excludeWindow?: readonly string[];
  readonly tag?: readonly string[];
  readonly maxRetries?: number;
  readonly retryInterval?: string;
  readonly attemptTimeout?: string;
  readonly maxConcurrent?: number;
  readonly overlap?: string;
  readonly notifyUrl?: string;
  readonly pauseOnFailure?: boolean;
}

/** Stored timeouts (ms) as task input, so an update that sets one of them keeps the others. */
export function timeoutsInput(timeouts: ExecutionTimeouts | undefined): Record<string, number> {
  const input = { startToClose: timeouts?.startToCloseMs, scheduleToClose: timeouts?.scheduleToCloseMs, heartbeat: timeouts?.heartbeatMs };
  return Object.fromEntries(Object.entries(input).filter((entry): entry is [string, number] => entry[1] !== undefined));
}

export function parseJsonFlag(flag: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--${flag} must be JSON: ${(error as Error).message}`);
  }
}

/** A YAML or JSON file (YAML is a superset of JSON) holding a task.create payload. */
export function readTaskFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new UsageError(`${file} is neither YAML nor JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`${file} must hold one task object`);
  return value as Record<string, unknown>;
}

/**
 * The --exclude-* flags as a schedule's `exclude`; the server validates each one and gives each the schedule's time
 * zone (its --tz for a cron schedule, UTC otherwise). A window is written as ISO 8601 writes intervals: `from/to`.
 */
function exclusionsFrom(flags: DefinitionFlags): unknown[] | undefined {
  const zone = flags.tz === undefined ? {} : { timezone: flags.tz };
  const dates = (flags.excludeDates ?? []).flatMap((list) => list.split(',').map((date) => date.trim()).filter(Boolean));
  const windows = (flags.excludeWindow ?? []).map((window) => {
    const [from, to, ...rest] = window.split('/');
    if (!from || !to || rest.length > 0) throw new UsageError(`--exclude-window takes <from>/<to>, two ISO instants: got "${window}"`);
    return { type: 'window', from: from.trim(), to: to.trim() };
  });
  const exclude = [
    ...windows,
    // In --tz when given (a cron schedule's zone is the default otherwise, and UTC for the others).
    ...(dates.length > 0 ? [{ type: 'dates', dates, ...zone }] : []),
    ...(flags.excludeCron ?? []).map((expression) => ({ type: 'cron', expression, ...zone })),
  ];
  return exclude.length > 0 ? exclude : undefined;
}

/** A stored schedule as input again (the task's own, which an update changes a part of). */
export function scheduleInput(spec: ScheduleSpec): Record<string, unknown> {
  if (spec.type !== 'interval') return { ...spec };
  const { everyMs, offsetMs, ...rest } = spec;
  return { ...rest, every: everyMs, ...(offsetMs ? { offset: offsetMs } : {}) };
}

/** What a schedule says besides when it fires: bounds, jitter, maxFires, exclusions. */
function commonParts(spec: ScheduleSpec): Record<string, unknown> {
  const { startAt, endAt, jitterMs, maxFires, exclude } = spec;
  return Object.fromEntries(Object.entries({ startAt, endAt, jitterMs, maxFires, exclude }).filter(([, value]) => value !== undefined));
}

/**
 * Schedules from the flags: --every (with --offset), --cron (with --tz), --at, and raw --schedule JSON. On update
 * (`kept`: the task's schedules), flags change a part and keep the rest: --tz or --exclude-* alone change the task's
 * schedules' zone (cron ones) or exclusions; --every/--cron/--at replacing the task's one schedule keep what they do
 * not say of it (its zone for a cron, its bounds, jitter, maxFires and exclusions). A task with several schedules has
 * them all replaced by the new ones, as a raw --schedule always does.
 */
function schedulesFrom(flags: DefinitionFlags, kept?: readonly ScheduleSpec[]): unknown[] | undefined {
  if (flags.offset !== undefined && !flags.every) throw new UsageError('--offset shifts the --every schedule: give --every too');
  const exclude = exclusionsFrom(flags);
  const built: Array<Record<string, unknown>> = [];
  if (flags.every) built.push({ type: 'interval', every: flags.every, ...(flags.offset ? { offset: flags.offset } : {}) });
  if (flags.cron) built.push({ type: 'cron', expression: flags.cron, ...(flags.tz ? { timezone: flags.tz } : {}) });
  if (flags.at) built.push({ type: 'once', at: flags.at });
  const raw = (flags.schedule ?? []).map((text) => parseJsonFlag('schedule', text) as Record<string, unknown>);
  if (kept !== undefined && built.length === 0 && raw.length === 0) return changedParts(flags, kept, exclude);
  // A modifier without the schedule it modifies would be dropped without a word (a cron left in UTC).
  if (flags.tz !== undefined && !flags.cron && !exclude) {
    throw new UsageError('--tz is the time zone of --cron and of --exclude-dates/--exclude-cron: give one of them too (or a --schedule with its timezone)');
  }
  if (exclude && built.length === 0) throw new UsageError('--exclude-* leave instants out of --every, --cron or --at: give one of them too (a --schedule carries its own "exclude")');
  const [only] = kept?.length === 1 ? kept : [];
  for (const schedule of built) {
    if (only) Object.assign(schedule, { ...commonParts(only), ...schedule });
    if (only?.type === 'cron' && schedule.type === 'cron' && flags.tz === undefined) schedule.timezone = only.timezone;
    if (exclude) schedule.exclude = exclude;
  }
  const schedules = [...built, ...raw];
  return schedules.length > 0 ? schedules : undefined;
}

/** An update's --tz and --exclude-* without a new schedule: the task's schedules with those parts changed. */
function changedParts(flags: DefinitionFlags, kept: readonly ScheduleSpec[], exclude: unknown[] | undefined): unknown[] | undefined {
  if (flags.tz === undefined && !exclude) return undefined;
  if (kept.length === 0) throw new UsageError('the task has no schedule for --tz or --exclude-* to change: give --every, --cron or --at');
  if (!exclude && !kept.some((spec) => spec.type === 'cron')) {
    throw new UsageError('--tz alone changes the zone of the task\'s cron schedules, and it has none (with --exclude-* it is their zone)');
  }
  return kept.map((spec) => ({
    ...scheduleInput(spec),
    ...(flags.tz !== undefined && spec.type === 'cron' ? { timezone: flags.tz } : {}),
    ...(exclude ? { exclude } : {}),
  }));
}

/** What an update keeps of the task where a flag changes one part of a field (the task's own values, as input). */
export interface KeptParts {
  readonly timeouts?: Record<string, unknown>;
  readonly notify?: Record<string, unknown>;
  /** The task's schedules: given, the schedule flags change them as an update does (see schedulesFrom). */
  readonly schedules?: readonly ScheduleSpec[];
}

/**
 * The file's fields, overridden by whichever flags were given. The server validates the result. `--attempt-timeout` sets the
 * start-to-close timeout alone and `--notify-url` the notices' URL alone: the rest stays that of the file, or of `kept`
 * (the task's, on update).
 */
export function definitionFrom(flags: DefinitionFlags, kept: KeptParts = {}): Record<string, unknown> {
  const fromFile = flags.file ? readTaskFile(flags.file) : {};
  const fileTimeouts = typeof fromFile.timeouts === 'object' && fromFile.timeouts !== null ? fromFile.timeouts : {};
  const keptTimeouts = kept.timeouts ?? {};
  const fromFlags: Record<string, unknown> = {
    name: flags.name,
    description: flags.description,
    executor: flags.executor,
    config: flags.config === undefined ? undefined : parseJsonFlag('config', flags.config),
    schedules: schedulesFrom(flags, kept.schedules),
    tags: flags.tag && flags.tag.length > 0 ? flags.tag : undefined,
    maxRetries: flags.maxRetries,
    retryInterval: flags.retryInterval,
    timeouts: flags.attemptTimeout === undefined ? undefined : { ...keptTimeouts, ...fileTimeouts, startToClose: flags.attemptTimeout },
    maxConcurrent: flags.maxConcurrent,
    overlap: flags.overlap,
    notify: flags.notifyUrl === undefined ? undefined : { ...kept.notify, ...(isRecord(fromFile.notify) ? fromFile.notify : {}), url: flags.notifyUrl },
    pauseOnFailure: flags.pauseOnFailure,
  };
  const given = Object.fromEntries(Object.entries(fromFlags).filter(([, value]) => value !== undefined));
  return { ...fromFile, ...given };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export const asCreateInput = (definition: Record<string, unknown>): CreateTaskInput => definition as CreateTaskInput;
