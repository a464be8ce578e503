import { Command } from 'commander';
import type { CliContext } from '../context';
import { table } from '../output';
import { overallStatsFields, statsFields } from '../render';

/** `schedctl stats [task]`: one task's stats, or every task's executions together. */
export function statsCommand(ctx: CliContext): Command {
  return new Command('stats')
    .description('execution stats of one task, or (without a task id) of all tasks together')
    .argument('[task]', 'task id or name, or a workflow step as <workflow>:<step>')
    .action(async (ref: string | undefined) => {
      if (ref) {
        return printTaskStats(ctx, ref);
      }
      const { client, minPosition } = await ctx.consistentRead();
      const overall = await client.overallStats({ minPosition });
      ctx.print(overall, () => overallStatsFields(overall));
    });
}

/** One task's stats (`schedctl stats <task>` and `schedctl task stats <task>`). */
export async function printTaskStats(ctx: CliContext, ref: string): Promise<void> {
  const stats = await ctx.readTaskOrStep(ref, (client, taskId, minPosition) => client.stats({ taskId, minPosition }));
  ctx.print(stats, () => statsFields(stats));
}

/** `schedctl executors`: the executor types the gateway accepts on tasks, custom ones included. */
export function executorsCommand(ctx: CliContext): Command {
  return new Command('executors').description('the executor types a task may name, with a line about each').action(async () => {
    const reply = await (await ctx.client()).listExecutors();
    ctx.print(reply, () => table(['type', 'description'], reply.items.map((item) => [item.type, item.description])));
  });
}
