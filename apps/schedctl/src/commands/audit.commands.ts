import { Command } from 'commander';
import { SchedClientError } from '@sched/client';
import type { AuditReport, HistoryEntry, RebuildInstanceView } from '@sched/contracts';
import type { CliContext } from '../context';
import { ExitCode, UsageError } from '../exit-codes';
import { positiveNumber, wholeNumber } from '../numeric-options';
import { fields, table } from '../output';
import { historyLine } from '../render';

const auditText = (report: AuditReport): string =>
  fields({ result: report.ok ? 'OK: every hash chain holds' : 'BROKEN', streams: report.streams, events: report.events, 'unhashed (pre-chain)': report.unhashed }) +
  (report.broken.length
    ? `\n${table(['stream', 'revision', 'event id', 'position', 'reason'], report.broken.map((b) => [b.streamId, b.revision, b.eventId, b.position, b.reason]))}`
    : '');

type Target = { taskId: string } | { executionId: string };

/**
 * Runs `call` on the task `ref` names (its id or name) or, when no task has it, on the execution of that id: the
 * history and audit of an execution are asked for the same way (`schedctl history <executionId>`). A ref that is
 * neither is NOT_FOUND saying so, never an empty history or an audit of nothing.
 */
async function forTaskOrExecution<T>(ctx: CliContext, ref: string, call: (target: Target) => Promise<T>): Promise<T> {
  const taskId = await ctx.taskIdOf(ref);
  try {
    return await call({ taskId });
  } catch (error) {
    if (taskId !== ref || !SchedClientError.is(error, 'NOT_FOUND')) throw error;
  }
  return call({ executionId: ref }).catch((error: unknown) => {
    if (!SchedClientError.is(error, 'NOT_FOUND')) throw error;
    throw new SchedClientError('NOT_FOUND', `no task or execution has the id or name "${ref}"`, { ref }, error.subject);
  });
}

/** history, audit verify and rebuild: the commands that replay the log. */
export function replayCommands(ctx: CliContext): Command[] {
  const history = new Command('history')
    .description('the full ordered history of a task (its stream and every execution), or of one execution')
    .argument('[task]', 'task id or name, or an execution id')
    .option('--execution <executionId>')
    .option('--type <type>', 'only this event type (repeatable)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--after <position>', 'start after this global position', wholeNumber)
    .option('--last <count>', 'only the latest <count> events (still in commit order)', positiveNumber)
    .action(async (ref: string | undefined, flags: { execution?: string; type?: string[]; after?: number; last?: number }) => {
      if (ref !== undefined && flags.execution !== undefined) throw new UsageError('history takes a task (or an execution id) or --execution, not both');
      if (flags.after !== undefined && flags.last !== undefined) throw new UsageError('history takes --after or --last, not both');
      const events: HistoryEntry[] = [];
      const show = (event: HistoryEntry): void => {
        if (ctx.asJson) events.push(event);
        else ctx.io.out(historyLine(event));
      };
      const print = async (target: Partial<Target>): Promise<void> => {
        const client = await ctx.client();
        if (flags.last === undefined) {
          for await (const event of client.history({ ...target, types: flags.type, afterPosition: flags.after })) show(event);
          return;
        }
        // Read from the latest back (a long history is not read from its start), shown oldest first as without --last.
        const latest: HistoryEntry[] = [];
        for await (const event of client.history({ ...target, types: flags.type, direction: 'backward', limit: Math.min(flags.last, 5000) })) {
          latest.push(event);
          if (latest.length === flags.last) break;
        }
        latest.reverse().forEach(show);
      };
      // An unknown id fails on the first page, before anything is printed.
      await (ref === undefined ? print({ executionId: flags.execution }) : forTaskOrExecution(ctx, ref, print));
      if (ctx.asJson) ctx.io.out(`${JSON.stringify(events, null, 2)}\n`);
    });

  const audit = new Command('audit').description('tamper evidence');
  audit
    .command('verify')
    .description('recompute the hash chains of a task (or one execution) and name the first broken link')
    .argument('[task]', 'task id or name, or an execution id')
    .option('--execution <executionId>')
    .action(async (ref: string | undefined, flags: { execution?: string }) => {
      if (!ref && !flags.execution) throw new UsageError('audit verify needs a task (id or name) or --execution <executionId>');
      if (ref && flags.execution) throw new UsageError('audit verify takes a task (or an execution id) or --execution, not both');
      const client = await ctx.client();
      const report = await (flags.execution ? client.auditVerify({ executionId: flags.execution }) : forTaskOrExecution(ctx, ref!, (target) => client.auditVerify(target)));
      ctx.print(report, () => auditText(report));
      if (!report.ok) ctx.exitCode = ExitCode.AUDIT_FAILED;
    });

  const rebuild = new Command('rebuild')
    .description('drop the read models and replay the whole log into them (waits up to 10 minutes, or --timeout)')
    .action(async () => {
      const result = await (await ctx.client()).rebuildReadModels(ctx.givenTimeoutMs());
      const line = ({ instanceId, events, durationMs, position }: RebuildInstanceView): string => {
        const perSecond = durationMs > 0 ? Math.round((events / durationMs) * 1000) : events;
        return `  ${instanceId}: ${events} events in ${durationMs} ms (${perSecond} events/s), at position ${position}\n`;
      };
      const count = result.instances.length;
      ctx.print(result, () => `rebuilt the read models of ${count} projector instance${count === 1 ? '' : 's'}:\n${result.instances.map(line).join('')}`);
    });
  return [history, audit, rebuild];
}
