import { Command } from 'commander';
import type { CliContext } from '../context';
import { overallStatsFields, statsFields } from '../render';

/** `schedctl stats [taskId]`: one task's stats, or every task's executions together. */
export function statsCommand(ctx: CliContext): Command {
  return new Command('stats')
    .description('execution stats of one task, or (without a task id) of all tasks together')
    .argument('[taskId]')
    .action(async (taskId: string | undefined) => {
      const { client, minPosition } = await ctx.consistentRead();
      if (taskId) {
        const stats = await client.stats({ taskId, minPosition });
        return ctx.print(stats, () => statsFields(stats));
      }
      const overall = await client.overallStats({ minPosition });
      ctx.print(overall, () => overallStatsFields(overall));
    });
}
