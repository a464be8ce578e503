import { Body, Controller, Param, Query, UseInterceptors } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { SchedClient } from '@sched/client';
import { Subjects, workflowRunStatuses } from '@sched/contracts';
import { CommandRoute, PAGE_FIELDS, QueryRoute } from './api-docs.decorators';
import { bodyWith, queryPayload } from './http-input';
import { ReplyInterceptor } from './reply.interceptor';

/** Workflow runs over HTTP, each route one NATS command or query through the typed SDK. */
@ApiTags('workflows')
@Controller('api')
@UseInterceptors(ReplyInterceptor)
export class WorkflowsHttpController {
  constructor(private readonly client: SchedClient) {}

  @QueryRoute('workflows', 'List workflow runs, newest first', Subjects.query.workflowList, {
    errors: [422],
    query: { ...PAGE_FIELDS, taskId: { type: 'string' }, status: { type: 'string', enum: workflowRunStatuses } },
  })
  list(@Query() query: Record<string, unknown>) {
    return this.client.listWorkflowRuns(queryPayload(query, { numeric: ['limit', 'minPosition'] }) as never);
  }

  @QueryRoute('workflows/:runId', 'Get a workflow run with the state of each step', Subjects.query.workflowGet, {
    query: { minPosition: PAGE_FIELDS.minPosition },
  })
  get(@Param('runId') runId: string, @Query() query: Record<string, unknown>) {
    return this.client.getWorkflowRun({ ...queryPayload(query, { numeric: ['minPosition'] }), runId } as never);
  }

  @CommandRoute('workflows/:runId/resume', 'Start a new run of a failed or cancelled run, reusing the steps that succeeded', Subjects.cmd.workflowResume)
  resume(@Param('runId') runId: string, @Body() body: unknown) {
    return this.client.resumeWorkflow(bodyWith(body, { runId }) as never);
  }

  @CommandRoute('workflows/:runId/cancel', 'Cancel a run: pending steps are skipped, running ones cancelled', Subjects.cmd.workflowCancel, { body: 'ReasonInput' })
  cancel(@Param('runId') runId: string, @Body() body: unknown) {
    return this.client.cancelWorkflow(bodyWith(body, { runId }) as never);
  }
}
