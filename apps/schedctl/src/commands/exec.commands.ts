import { isDeepStrictEqual } from 'node:util';
import { Command, Option } from 'commander';
import { SchedClientError, checkSubscribeOptions, type FeedEvent } from '@sched/client';
import { executionStatuses, toExecutionStreamId, type ExecutionStatus, type HistoryEntry, type TaskProgressed } from '@sched/contracts';
import type { CliContext } from '../context';
import { positiveNumber, wholeNumber } from '../numeric-options';
import { progressBar } from '../output';
import { slotWait } from '../slot-wait';
import { taskNames } from '../task-names';
import { asOfFields, executionFields, executionTable, historyLine, itemsText } from '../render';

/** Events after which an execution does nothing more. */
const isFinal = (event: HistoryEntry): boolean =>
  ['TaskSucceeded', 'TaskCancelled', 'TaskSkipped'].includes(event.type) ||
  (event.type === 'TaskFailed' && (event.data as { final?: boolean }).final === true);

/** Prints a feed: NDJSON with --json, else one line per event and a progress bar (redrawn in place on a terminal). */
class TailPrinter {
  private barShown = false;

  constructor(private readonly ctx: CliContext) {}

  print(event: FeedEvent): void {
    const { io } = this.ctx;
    if (this.ctx.asJson) return io.out(`${JSON.stringify(event)}\n`);
    if (event.type === 'TaskProgressed') {
      const data = event.data as TaskProgressed['data'];
      const items = itemsText(data);
      const bar = `${event.streamId.slice('execution-'.length)} ${progressBar(data.percent, data.message)}${items ? `  ${items}` : ''}`;
      if (!io.interactive) return io.out(`${bar}\n`);
      io.out(`\r${bar}\x1b[K`);
      this.barShown = true;
      return;
    }
    if (this.barShown) io.out('\n');
    this.barShown = false;
    io.out(historyLine(event));
  }
}

/** What `exec tail` prints of the events it follows. */
interface TailFilter {
  readonly type?: readonly string[];
  readonly fromPosition?: number;
  readonly count?: number;
}

/**
 * Prints an execution's history so far, then follows it live until it is over; with a filter, only the events it
 * lets through (after `fromPosition`, of the `type`s), ending after `count` of them. The end is seen on every event.
 */
async function tailExecution(ctx: CliContext, executionId: string, filter: TailFilter): Promise<void> {
  checkSubscribeOptions({ types: filter.type });
  const client = await ctx.client();
  const printer = new TailPrinter(ctx);
  let printed = 0;
  /** Prints `event` if the filter lets it through; whether the tail is over. */
  const show = (event: HistoryEntry | FeedEvent): boolean => {
    if (event.position > (filter.fromPosition ?? -1) && (filter.type === undefined || filter.type.includes(event.type))) {
      printer.print(event);
      printed += 1;
    }
    return isFinal(event) || (filter.count !== undefined && printed >= filter.count);
  };
  const { taskId } = await client.getExecution({ executionId, minPosition: await client.headPosition() });
  let last = 0;
  for await (const event of client.history({ executionId })) {
    last = event.position;
    if (show(event)) return;
  }
  const feed = client.subscribe({ taskId, fromPosition: last });
  const streamId = toExecutionStreamId(executionId);
  try {
    for await (const event of feed) {
      if (event.streamId === streamId && show(event)) return;
    }
  } finally {
    await feed.close();
  }
}

export function execCommands(ctx: CliContext): Command {
  const exec = new Command('exec').description('inspect, cancel and follow executions');

  exec
    .command('list')
    .description('list executions, newest scheduled first')
    .option('--task <task>', 'task id or name, or a workflow step as <workflow>:<step>')
    .addOption(new Option('--status <status>').choices(executionStatuses))
    .option('--from <instant>', 'scheduled at or after')
    .option('--to <instant>', 'scheduled before')
    .option('--limit <n>', 'page size (1 to 500)', positiveNumber, 50)
    .option('--cursor <cursor>')
    .action(async (flags: { task?: string; status?: ExecutionStatus; from?: string; to?: string; limit: number; cursor?: string }) => {
      const { client, minPosition } = await ctx.consistentRead();
      const task = flags.task === undefined ? undefined : await ctx.findTask(flags.task);
      // A ref no task has may still own executions (a workflow step's `<taskId>:<stepId>`); if none, it is a mistake.
      const taskId = task?.taskId ?? (flags.task === undefined ? undefined : ((await ctx.stepIdOf(flags.task)) ?? flags.task));
      const query = { taskId, status: flags.status, from: flags.from, to: flags.to, limit: flags.limit, cursor: flags.cursor };
      const page = await client.listExecutions({ ...query, minPosition });
      if (flags.task !== undefined && !task && page.items.length === 0 && !flags.cursor) {
        throw new SchedClientError('NOT_FOUND', `no task has the id or name "${flags.task}"`, { task: flags.task });
      }
      const known = new Map(task ? [[task.taskId, task.name]] : []);
      const names = ctx.asJson ? known : await taskNames(client, page.items.map((e) => e.taskId), minPosition, known);
      ctx.print(page, () => executionTable(page.items, names) + (page.nextCursor ? `more: --cursor ${page.nextCursor}\n` : ''));
    });

  exec
    .command('get <executionId>')
    .description('show an execution and its attempts (or, with --as-of, its state at an instant)')
    .option('--as-of <instant>', 'ISO instant')
    .action(async (executionId: string, flags: { asOf?: string }) => {
      const client = await ctx.client();
      if (flags.asOf) {
        const view = await client.asOf({ executionId, at: flags.asOf });
        return ctx.print(view, () => asOfFields(view));
      }
      const minPosition = await client.headPosition();
      const view = await client.getExecution({ executionId, minPosition });
      if (ctx.asJson) return ctx.print(view, () => '');
      const [task, due] = await Promise.all([
        client.getTask({ taskId: view.taskId, minPosition }).catch(() => undefined),
        client.historyPage({ executionId, limit: 1 }).then((page) => page.events[0], () => undefined),
      ]);
      const names = await taskNames(client, [view.taskId], minPosition, new Map(task ? [[task.taskId, task.name]] : []));
      // The config it ran with, when it is not the task's (a trigger's configPatch, or the task changed since).
      const runConfig = due?.type === 'TaskDue' ? (due.data as { config?: unknown }).config : undefined;
      const ownConfig = task && runConfig !== undefined && !isDeepStrictEqual(runConfig, task.config) ? runConfig : undefined;
      ctx.print(view, () => executionFields(view, names.get(view.taskId), task && slotWait(view, task, Date.now()), ownConfig));
    });

  exec
    .command('cancel <executionId>')
    .option('--reason <text>')
    .action(async (executionId: string, flags: { reason?: string }) => {
      const result = await (await ctx.client()).cancelExecution({ executionId, reason: flags.reason });
      ctx.print(result, () => `execution ${executionId}: ${result.events.length ? result.events.join(', ') : 'nothing to cancel'}\n`);
    });

  const control = (verb: 'pause' | 'resume' | 'terminate', describe: string) =>
    exec
      .command(`${verb} <executionId>`)
      .description(describe)
      .action(async (executionId: string, flags: { reason?: string }) => {
        const client = await ctx.client();
        const input = { executionId, ...(verb === 'resume' || !flags.reason ? {} : { reason: flags.reason }) };
        const result = await (verb === 'pause' ? client.pauseExecution(input) : verb === 'resume' ? client.resumeExecution(input) : client.terminateExecution(input));
        ctx.print(result, () => `execution ${executionId}: ${result.events.length ? result.events.join(', ') : 'no change'}\n`);
      });
  control('pause', 'pause a running execution at its next progress report').option('--reason <text>');
  control('resume', 'resume a paused execution (a new attempt if its worker is gone)');
  control('terminate', 'abort a running or paused execution (ends TaskCancelled)').option('--reason <text>');

  exec
    .command('tail')
    .description('follow events live (resuming through history after a disconnect); --execution ends when it is over')
    .option('--execution <executionId>', 'one execution: its history so far, then live until it ends')
    .option('--task <task>', "only this task's events (task id or name, or <workflow>:<step>)")
    .option('--type <type>', 'only this event type (repeatable)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--from-position <position>', 'replay history after this global position first', wholeNumber)
    .option('--count <n>', 'stop after this many events', positiveNumber)
    .action(async (flags: { execution?: string; task?: string; type?: string[]; fromPosition?: number; count?: number }) => {
      if (flags.execution) return tailExecution(ctx, flags.execution, flags);
      const taskId = flags.task === undefined ? undefined : await ctx.taskIdOf(flags.task);
      // A task created later may take that id, so it is followed all the same; a mistyped name should not sit silent.
      if (flags.task !== undefined && taskId === flags.task && !(await ctx.taskExists(flags.task))) {
        ctx.io.err(`no task has the id or name "${flags.task}" yet: waiting for events of a task with that id (Ctrl-C to stop)\n`);
      }
      const feed = (await ctx.client()).subscribe({ taskId, types: flags.type, fromPosition: flags.fromPosition });
      const stop = (): void => void feed.close();
      process.once('SIGINT', stop);
      const printer = new TailPrinter(ctx);
      let seen = 0;
      try {
        for await (const event of feed) {
          printer.print(event);
          if (flags.count !== undefined && ++seen >= flags.count) break;
        }
      } finally {
        process.off('SIGINT', stop);
        await feed.close();
      }
    });
  return exec;
}
