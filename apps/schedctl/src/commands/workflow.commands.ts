import { Command, Option } from 'commander';
import {
  Subjects,
  workflowRunStatuses,
  type ExecutionCommandResult,
  type Page,
  type ResumeWorkflowResult,
  type WorkflowRunStatus,
  type WorkflowRunView,
} from '@sched/contracts';
import type { CliContext } from '../context';
import { positiveNumber } from '../numeric-options';
import { taskNames } from '../task-names';
import { workflowRunTable, workflowRunText } from '../render-workflow';

export function workflowCommands(ctx: CliContext): Command {
  const workflow = new Command('workflow').description('inspect, cancel and resume workflow runs');

  workflow
    .command('show <runId>')
    .description("draw a run's DAG with each step's status")
    .action(async (runId: string) => {
      const { client, minPosition } = await ctx.consistentRead();
      const run = await client.request<WorkflowRunView>(Subjects.query.workflowGet, { runId, minPosition });
      const names = ctx.asJson ? new Map<string, string>() : await taskNames(client, [run.taskId], minPosition);
      ctx.print(run, () => workflowRunText(run, names.get(run.taskId)));
    });

  workflow
    .command('list')
    .description('list runs, newest first')
    .option('--task <task>', 'workflow task id or name')
    .addOption(new Option('--status <status>').choices(workflowRunStatuses))
    .option('--limit <n>', 'page size (1 to 500)', positiveNumber, 50)
    .option('--cursor <cursor>')
    .action(async (flags: { task?: string; status?: WorkflowRunStatus; limit: number; cursor?: string }) => {
      const { client, minPosition } = await ctx.consistentRead();
      const taskId = flags.task === undefined ? undefined : await ctx.taskIdOf(flags.task);
      const query = { taskId, status: flags.status, limit: flags.limit, cursor: flags.cursor, minPosition };
      const page = await client.request<Page<WorkflowRunView>>(Subjects.query.workflowList, query);
      const names = ctx.asJson ? new Map<string, string>() : await taskNames(client, page.items.map((r) => r.taskId), minPosition);
      ctx.print(page, () => workflowRunTable(page.items, names) + (page.nextCursor ? `more: --cursor ${page.nextCursor}\n` : ''));
    });

  workflow
    .command('resume <runId>')
    .description('a new run that reuses the results of the steps that succeeded in a failed or cancelled run')
    .action(async (runId: string) => {
      const result = await (await ctx.client()).request<ResumeWorkflowResult>(Subjects.cmd.workflowResume, { runId });
      ctx.print(result, () => `run ${result.runId} resumes ${result.resumedFrom}\n`);
    });

  workflow
    .command('cancel <runId>')
    .description('cancel a run: its running steps are cancelled, nothing new starts')
    .option('--reason <text>')
    .action(async (runId: string, flags: { reason?: string }) => {
      const result = await (await ctx.client()).request<ExecutionCommandResult>(Subjects.cmd.workflowCancel, { runId, reason: flags.reason });
      ctx.print(result, () => `run ${runId}: ${result.events.length ? result.events.join(', ') : 'nothing to cancel'}\n`);
    });
  return workflow;
}
