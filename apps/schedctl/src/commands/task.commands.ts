import { Command, InvalidArgumentError, Option } from 'commander';
import { REMOVABLE_TASK_FIELDS, overlapPolicies, parseDurationMs, scheduleStatuses, taskStates, type RemovableTaskField, type ScheduleStatus, type TaskView } from '@sched/contracts';
import type { CliContext } from '../context';
import type { SchedClient } from '@sched/client';
import { UsageError } from '../exit-codes';
import { positiveNumber, wholeNumber } from '../numeric-options';
import { table, when, whenExactly, whenIn } from '../output';
import { asOfFields, localZoneOf, taskFields, taskTable } from '../render';
import { asCreateInput, definitionFrom, parseJsonFlag, timeoutsInput, type DefinitionFlags } from '../task-input';
import { printTaskStats } from './stats.commands';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
/** A repeatable option with choices: commander checks a choice only when there is no argParser, so this does. */
const collectChoice =
  <T extends string>(choices: readonly T[]) =>
  (value: string, previous: T[] = []): T[] => {
    if (!choices.includes(value as T)) throw new InvalidArgumentError(`Allowed choices are ${choices.join(', ')}.`);
    return [...previous, value as T];
  };

/** The definition flags, on create and update alike. */
function definitionOptions(command: Command): Command {
  return command
    .option('-f, --file <path>', 'task definition as YAML or JSON (flags override its fields)')
    .option('--name <name>')
    .option('--description <text>')
    .option('--executor <type>', 'executor type, e.g. noop, sleep')
    .option('--config <json>', 'executor config as JSON')
    .option('--every <duration>', 'interval schedule, e.g. 30s, 5m')
    .option('--offset <duration>', 'offset of the --every schedule')
    .option('--cron <expression>', 'cron schedule (5 or 6 fields)')
    .option('--tz <zone>', 'time zone of the --cron schedule, and of --exclude-dates/--exclude-cron')
    .option('--at <instant>', 'one-shot schedule at an ISO instant')
    .option('--schedule <json>', 'a schedule as JSON (repeatable)', collect)
    .option('--exclude-dates <dates>', 'days --every/--cron/--at do not fire on, e.g. 2027-12-25,2027-12-26 (in the --tz zone, else UTC; repeatable)', collect)
    .option('--exclude-cron <expression>', 'minutes they do not fire in, e.g. "* * * * SAT,SUN" (repeatable)', collect)
    .option('--exclude-window <from/to>', 'a span they do not fire in, two ISO instants (repeatable)', collect)
    .option('--tag <tag>', 'a tag (repeatable)', collect)
    .option('--max-retries <n>', 'retries after a failed attempt (default 3)', wholeNumber)
    .option('--retry-interval <duration>', 'delay between attempts (default 60s)')
    .option('--attempt-timeout <duration>', "an attempt's longest run (its start-to-close timeout), e.g. 30s, 1h")
    .option('--max-concurrent <n>', 'executions of the task running at once, at most', wholeNumber)
    .addOption(new Option('--overlap <policy>', 'what a fire beyond --max-concurrent does (default queue)').choices(overlapPolicies))
    .option('--notify-url <url>', 'POST a notice here when an execution fails for good')
    .option('--pause-on-failure', 'pause the task when an execution fails for good')
    .option('--no-pause-on-failure', 'do not (the default)');
}

const commandResult = (ctx: CliContext, verb: string) => (result: { taskId: string; revision: number; events: readonly string[] }) =>
  ctx.print(result, () => `${verb} task ${result.taskId} (revision ${result.revision}${result.events.length ? `, ${result.events.join(', ')}` : ', no change'})\n`);

export function taskCommands(ctx: CliContext): Command {
  const task = new Command('task').description('create, inspect and control tasks');

  definitionOptions(task.command('create').description('create a task from flags and/or a YAML/JSON file'))
    .option('--id <taskId>', 'task id (default: generated)')
    .option('--disabled', 'create it disabled: off the timer until `task enable` (maxFires counts from then)')
    .action(async (flags: DefinitionFlags & { id?: string; disabled?: boolean }) => {
      const input = asCreateInput({ ...definitionFrom(flags), ...(flags.id ? { taskId: flags.id } : {}), ...(flags.disabled ? { enabled: false } : {}) });
      commandResult(ctx, 'created')(await (await ctx.client()).createTask(input));
    });

  task
    .command('list')
    .description('list tasks, oldest first')
    .addOption(new Option('--state <state>').choices(taskStates))
    .option('--executor <type>')
    .option('--tag <tag>', 'tasks with this tag (repeat it: with every one of them)', collect)
    .addOption(new Option('--status <status>', 'tasks whose schedule status is this one (repeat it: any of them)').choices(scheduleStatuses).argParser(collectChoice(scheduleStatuses)))
    .option('--search <text>', 'tasks whose name, id or description holds this text (ignoring case)')
    .option('--limit <n>', 'page size (1 to 500)', positiveNumber, 50)
    .option('--cursor <cursor>', 'the nextCursor of the previous page')
    .option('--all', 'every page')
    .action(async (flags: { state?: TaskView['state']; executor?: string; tag?: string[]; status?: ScheduleStatus[]; search?: string; limit: number; cursor?: string; all?: boolean }) => {
      const { client, minPosition } = await ctx.consistentRead();
      const query = { state: flags.state, executor: flags.executor, tag: flags.tag, status: flags.status, search: flags.search, limit: flags.limit, minPosition };
      if (flags.all) {
        const items: TaskView[] = [];
        for await (const item of client.all((cursor) => client.listTasks({ ...query, cursor }))) items.push(item);
        ctx.print({ items }, () => taskTable(items));
        return;
      }
      const page = await client.listTasks({ ...query, cursor: flags.cursor });
      ctx.print(page, () => taskTable(page.items) + (page.nextCursor ? `more: --cursor ${page.nextCursor}\n` : ''));
    });

  task
    .command('get <task>')
    .description('show a task (or, with --as-of, its state at an instant, folded from its events)')
    .option('--as-of <instant>', 'ISO instant')
    .action(async (ref: string, flags: { asOf?: string }) => {
      const { asOf } = flags;
      if (asOf) {
        // As of an instant before it existed a task is "none", not NOT_FOUND: resolve a name first.
        const taskId = await ctx.taskIdOf(ref);
        const view = await (await ctx.client()).asOf({ taskId, at: asOf });
        ctx.print(view, () => asOfFields(view));
        return;
      }
      const view = await ctx.readTask(ref, (client, taskId, minPosition) => client.getTask({ taskId, minPosition }));
      ctx.print(view, () => taskFields(view));
    });

  definitionOptions(task.command('update <task>').description('change a task definition'))
    .addOption(new Option('--unset <field>', 'take an optional part of the task away (repeatable)').choices(REMOVABLE_TASK_FIELDS).argParser(collectChoice(REMOVABLE_TASK_FIELDS)))
    .action(async (ref: string, flags: DefinitionFlags & { unset?: RemovableTaskField[] }) => {
      const unset = flags.unset ?? [];
      // What the flags set, checked before anything is sent (the zone and exclusion flags change the task's schedules).
      const definition = definitionFrom({ ...flags, tz: undefined, excludeDates: undefined, excludeCron: undefined, excludeWindow: undefined });
      const both = unset.find((field) => definition[field] !== undefined);
      if (both) throw new UsageError(`--unset ${both} takes ${both} away: it cannot be set in the same update`);
      const replacing = Array.isArray(definition.schedules) ? definition.schedules.length : undefined;
      let dropped = 0;
      const update = await ctx.forTask(ref, async (client, taskId) => {
        // A flag that changes one part of a field keeps the rest: --attempt-timeout the other timeouts, --notify-url the
        // notices' headers, --tz or --exclude-* the schedules, --cron the replaced schedule's zone and exclusions. New
        // schedules replace all of a task's several, which is said.
        const current = await client.getTask({ taskId, minPosition: await client.headPosition() });
        dropped = replacing === undefined ? 0 : Math.max(0, current.schedules.length - replacing);
        const kept = { timeouts: timeoutsInput(current.timeouts), notify: current.notify, schedules: current.schedules };
        return client.updateTask({ ...definitionFrom(flags, kept), ...Object.fromEntries(unset.map((field) => [field, null])), taskId });
      });
      if (dropped > 0 && update.events.length > 0 && !ctx.asJson) {
        ctx.io.err(`note: the schedules given replace all of the task's: ${replacing} now, ${replacing! + dropped} before (repeat the ones to keep, e.g. with --schedule)\n`);
      }
      commandResult(ctx, 'updated')(update);
    });
  task
    .command('pause <task>')
    .description('keep the schedule but record each fire as skipped until resumed (a trigger still runs it)')
    .option('--note <text>', 'why, kept on TaskPaused')
    .option('--until <instant>', 'the pause ends by itself then (ISO instant); the fire at that instant runs')
    .option('--for <duration>', 'the pause ends by itself after this long, e.g. 2h, 1d')
    .action(async (ref: string, flags: { note?: string; until?: string; for?: string }) => {
      const until = pauseEnd(flags);
      commandResult(ctx, 'paused')(await ctx.forTask(ref, (client, taskId) => client.pauseTask({ taskId, note: flags.note, until })));
    });
  task.command('resume <task>').description('fire the schedule again from now (what fell due while paused stays skipped)').action(async (ref: string) => {
    commandResult(ctx, 'resumed')(await ctx.forTask(ref, (client, taskId) => client.resumeTask({ taskId })));
  });
  task.command('disable <task>').description('take a task off the timer entirely (not the same as pause)').option('--reason <text>')
    .action(async (ref: string, flags: { reason?: string }) => {
      commandResult(ctx, 'disabled')(await ctx.forTask(ref, (client, taskId) => client.disableTask({ taskId, reason: flags.reason })));
    });
  task.command('enable <task>').description('put a disabled task back on the timer, firing from now').action(async (ref: string) => {
    commandResult(ctx, 'enabled')(await ctx.forTask(ref, (client, taskId) => client.enableTask({ taskId })));
  });
  task
    .command('delete <task>')
    .description('delete a task (its history stays; its name is free again); what it has due or running still runs unless --cancel-pending')
    .option('--reason <text>')
    .option('--cancel-pending', 'also cancel its executions not over yet (due, waiting for a retry or a slot, running, paused)')
    .action(async (ref: string, flags: { reason?: string; cancelPending?: boolean }) => {
      const cancelPending = flags.cancelPending === true;
      const result = await ctx.forTask(ref, (client, taskId) => client.deleteTask({ taskId, reason: flags.reason, cancelPending }));
      const { cancelled = [] } = result;
      if (!cancelPending) return commandResult(ctx, 'deleted')(result);
      ctx.print(result, () => `deleted task ${result.taskId} (revision ${result.revision}); cancelled ${cancelled.length} execution(s) not over yet${cancelled.length ? `: ${cancelled.join(', ')}` : ''}\n`);
    });
  task
    .command('trigger <task>')
    .description('run a task now; the same --command-id never fires twice')
    .option('--command-id <id>')
    .option('--config-patch <json>', "this run's config: the task's with this JSON Merge Patch applied (keys replace, objects merge, null removes)")
    .action(async (ref: string, flags: { commandId?: string; configPatch?: string }) => {
      const configPatch = flags.configPatch === undefined ? undefined : (parseJsonFlag('config-patch', flags.configPatch) as Record<string, unknown>);
      const send = (client: SchedClient, taskId: string) => client.triggerTask({ taskId, commandId: flags.commandId, configPatch });
      const result = flags.commandId === undefined ? await ctx.forTask(ref, send) : await ctx.forTaskOnce(ref, send);
      ctx.print(result, () => `triggered task ${result.taskId}: execution ${result.executionId}\n`);
    });

  task
    .command('next <task>')
    .description("a task's next fire times (the timer's own computation, jitter included)")
    .option('-n, --count <n>', 'how many (1 to 1000)', positiveNumber, 5)
    .option('--after <instant>', 'start after this instant (default: now)')
    .action(async (ref: string, flags: { count: number; after?: string }) => {
      let taskId = ref;
      const result = await ctx.forTask(ref, (client, id) => client.nextFires({ taskId: (taskId = id), count: flags.count, after: flags.after }));
      // A cron schedule's occurrences read in its own zone too (the task's schedules name it), and an inactive task says
      // why: one more request.
      const task = ctx.asJson || (result.fires.length === 0 && result.active) ? undefined : await ctx.readTask(taskId, (client, id, minPosition) => client.getTask({ taskId: id, minPosition }));
      const zone = task && result.fires.length > 0 ? localZoneOf(task.schedules) : undefined;
      const inactive = !task || result.active ? '' : whyInactive(task);
      const human = () =>
        (inactive ? `task ${result.taskId} is ${inactive}\n` : '') +
        (result.fires.length === 0
          ? `task ${result.taskId} has no fires ahead: no schedules, or they ended (endAt, maxFires, a one-shot that fired); a trigger still runs it\n`
          : table(
              ['occurrence', 'fires at', ...(zone ? [`in ${zone}`] : [])],
              result.fires.map((fire) => [whenExactly(fire.at), `${whenExactly(fire.fireAt)}${fire.skipped ? ' (skipped: paused)' : ''}`, ...(zone ? [whenIn(fire.at, zone)] : [])]),
            ));
      ctx.print(result, human);
    });

  task
    .command('backfill <task>')
    .description('fire the occurrences of the task\'s schedules in (from, to] that never fired, as Temporal\'s backfill')
    .requiredOption('--from <instant>', 'ISO instant; exclusive: occurrences after it')
    .requiredOption('--to <instant>', 'ISO instant, not in the future; inclusive')
    .action(async (ref: string, flags: { from: string; to: string }) => {
      const result = await ctx.forTask(ref, (client, taskId) => client.backfillTask({ taskId, from: flags.from, to: flags.to }));
      ctx.print(result, () => `backfill ${result.backfillId} of task ${result.taskId}: ${result.occurrences} occurrences in range (already fired ones are skipped)\n`);
    });

  task.command('stats <task>').description('success rate, durations, recent outcomes').action((ref: string) => printTaskStats(ctx, ref));
  return task;
}

/** Why a task's fires will not run now, and what ends it. */
function whyInactive(task: TaskView): string {
  if (task.enabled === false) return 'disabled: nothing fires until it is enabled (task enable)';
  if (task.pausedUntil) return `paused until ${whenExactly(task.pausedUntil)}: the fires before then are recorded as skipped, from then it fires again (or task resume)`;
  return 'paused: its fires are recorded as skipped until it is resumed (task resume)';
}

/** --until as given (the server validates it), or now + --for; not both. */
function pauseEnd(flags: { until?: string; for?: string }): string | undefined {
  if (flags.until !== undefined && flags.for !== undefined) throw new UsageError('give --until or --for, not both');
  if (flags.for === undefined) return flags.until;
  const ms = parseDurationMs(flags.for);
  if (ms === undefined || ms <= 0) throw new UsageError(`--for takes a duration such as 30m, 2h or 1d: got "${flags.for}"`);
  const end = new Date(Date.now() + ms);
  // Past year 9999 an instant has no ISO 8601 form the server takes (and past ~275k years no Date at all).
  if (!(end.getUTCFullYear() <= 9999)) throw new UsageError(`--for ${flags.for} ends after the year 9999: pause without --for to pause until resumed`);
  return end.toISOString();
}

