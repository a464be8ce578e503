import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Subjects, getWorkflowRunQuerySchema, listWorkflowRunsQuerySchema, parsePayload, type Page, type WorkflowRunView } from '@sched/contracts';
import { WorkflowQueries } from './workflow-queries.service';

/** Workflow run queries served from the read models. */
@Controller()
export class WorkflowQueriesController {
  constructor(private readonly queries: WorkflowQueries) {}

  @MessagePattern(Subjects.query.workflowGet)
  getRun(@Payload() payload: unknown): Promise<WorkflowRunView> {
    return this.queries.getRun(parsePayload(getWorkflowRunQuerySchema, payload, 'workflow.get'));
  }

  @MessagePattern(Subjects.query.workflowList)
  listRuns(@Payload() payload: unknown): Promise<Page<WorkflowRunView>> {
    return this.queries.listRuns(parsePayload(listWorkflowRunsQuerySchema, payload, 'workflow.list'));
  }
}
