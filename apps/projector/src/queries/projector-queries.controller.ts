import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  Subjects,
  getExecutionQuerySchema,
  getTaskQuerySchema,
  listExecutionsQuerySchema,
  listTasksQuerySchema,
  parsePayload,
  statsQuerySchema,
  type ExecutionView,
  type OverallStatsView,
  type TaskStatsView,
  type Page,
  type TaskView,
} from '@sched/contracts';
import { ProjectorQueries } from './projector-queries.service';

/** Query subjects served from the read models. Results and thrown SchedErrors become replies in the transport layer. */
@Controller()
export class ProjectorQueriesController {
  constructor(private readonly queries: ProjectorQueries) {}

  @MessagePattern(Subjects.query.taskGet)
  async getTask(@Payload() payload: unknown): Promise<TaskView> {
    return this.queries.getTask(parsePayload(getTaskQuerySchema, payload, 'task.get'));
  }

  @MessagePattern(Subjects.query.taskList)
  async listTasks(@Payload() payload: unknown): Promise<Page<TaskView>> {
    return this.queries.listTasks(parsePayload(listTasksQuerySchema, payload, 'task.list'));
  }

  @MessagePattern(Subjects.query.executionGet)
  async getExecution(@Payload() payload: unknown): Promise<ExecutionView> {
    return this.queries.getExecution(parsePayload(getExecutionQuerySchema, payload, 'execution.get'));
  }

  @MessagePattern(Subjects.query.executionList)
  async listExecutions(@Payload() payload: unknown): Promise<Page<ExecutionView>> {
    return this.queries.listExecutions(parsePayload(listExecutionsQuerySchema, payload, 'execution.list'));
  }

  @MessagePattern(Subjects.query.stats)
  async getStats(@Payload() payload: unknown): Promise<TaskStatsView | OverallStatsView> {
    const query = parsePayload(statsQuerySchema, payload, 'stats');
    return query.taskId === undefined ? this.queries.getOverallStats(query) : this.queries.getStats({ ...query, taskId: query.taskId });
  }
}
