import { Body, Controller, Delete, Param, Patch, Post, Query, UseInterceptors } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { SchedClient, type CreateTaskInput, type UpdateTaskInput } from '@sched/client';
import { Subjects, scheduleStatuses, taskStates } from '@sched/contracts';
import { ApiIdParam, ApiJsonBody, ApiQueryFields, ApiRoute, CommandRoute, PAGE_FIELDS, QueryRoute } from './api-docs.decorators';
import { bodyWith, queryPayload } from './http-input';
import { ReplyInterceptor } from './reply.interceptor';

const MIN_POSITION = { minPosition: PAGE_FIELDS.minPosition };

/**
 * Tasks over HTTP: each route is one NATS command or query sent through the typed SDK, so the rules, the validation
 * and the errors are those of the NATS handlers. Inputs are passed on as they came (`as never`): the handler judges.
 */
@ApiTags('tasks')
@Controller('api')
@UseInterceptors(ReplyInterceptor)
export class TasksHttpController {
  constructor(private readonly client: SchedClient) {}

  @QueryRoute('tasks', 'List tasks', Subjects.query.taskList, {
    errors: [422],
    query: { ...PAGE_FIELDS, state: { type: 'string', enum: taskStates }, executor: { type: 'string' }, tag: { type: 'string', description: 'repeat it (or join with commas) for tasks with every one of the tags' }, name: { type: 'string', description: 'the task of this exact name' }, search: { type: 'string', description: 'tasks whose name, id or description holds this text (ignoring case)' }, status: { type: 'string', enum: scheduleStatuses, description: 'schedule status (computed now); repeat it (or join with commas) for tasks with any of them' } },
  })
  list(@Query() query: Record<string, unknown>) {
    return this.client.listTasks(queryPayload(query, { numeric: ['limit', 'minPosition'], lists: ['tag', 'status'] }) as never);
  }

  @QueryRoute('executors', 'The executor types a task may name (built-in and loaded), each with a line about it', Subjects.query.executorList)
  executors(@Query() query: Record<string, unknown>) {
    return this.client.listExecutors(queryPayload(query) as never);
  }

  @Post('tasks')
  @ApiRoute('Create a task', Subjects.cmd.taskCreate, { status: 201, errors: [400, 409, 422] })
  @ApiJsonBody('CreateTaskInput')
  create(@Body() body: unknown) {
    return this.client.createTask(body as CreateTaskInput);
  }

  @QueryRoute('tasks/:taskId', 'Get a task (read model)', Subjects.query.taskGet, { query: MIN_POSITION })
  get(@Param('taskId') taskId: string, @Query() query: Record<string, unknown>) {
    return this.client.getTask({ ...queryPayload(query, { numeric: ['minPosition'] }), taskId } as never);
  }

  @Patch('tasks/:taskId')
  @ApiRoute('Change a task (only the fields given)', Subjects.cmd.taskUpdate, { errors: [400, 404, 409, 422] })
  @ApiIdParam('taskId')
  @ApiJsonBody('UpdateTaskInput')
  update(@Param('taskId') taskId: string, @Body() body: unknown) {
    return this.client.updateTask(bodyWith(body, { taskId }) as UpdateTaskInput);
  }

  @Delete('tasks/:taskId')
  @ApiRoute('Delete a task', Subjects.cmd.taskDelete, { errors: [404, 409, 422, 413, 415] })
  @ApiJsonBody('DeleteTaskInput', false)
  @ApiIdParam('taskId')
  @ApiQueryFields({ reason: { type: 'string' }, cancelPending: { type: 'boolean', description: "also cancel the task's executions not over yet" } })
  remove(@Param('taskId') taskId: string, @Query() query: Record<string, unknown>, @Body() body: unknown) {
    // The fields in the query string (DELETE bodies are unusual) or in a JSON body, as every other command takes them.
    return this.client.deleteTask(bodyWith(body, { ...queryPayload(query, { flags: ['cancelPending'] }), taskId }) as never);
  }

  @CommandRoute('tasks/:taskId/pause', 'Pause a task: it stops firing until resumed', Subjects.cmd.taskPause, { body: 'PauseTaskInput' })
  pause(@Param('taskId') taskId: string, @Body() body: unknown) {
    return this.client.pauseTask(bodyWith(body, { taskId }) as never);
  }

  @CommandRoute('tasks/:taskId/resume', 'Resume a paused task', Subjects.cmd.taskResume)
  resume(@Param('taskId') taskId: string, @Body() body: unknown) {
    return this.client.resumeTask(bodyWith(body, { taskId }) as never);
  }

  @CommandRoute('tasks/:taskId/disable', 'Disable a task: off the timer until enabled (not the same as pause)', Subjects.cmd.taskDisable, { body: 'ReasonInput' })
  disable(@Param('taskId') taskId: string, @Body() body: unknown) {
    return this.client.request(Subjects.cmd.taskDisable, bodyWith(body, { taskId }));
  }

  @CommandRoute('tasks/:taskId/enable', 'Enable a disabled task: it fires again from now', Subjects.cmd.taskEnable)
  enable(@Param('taskId') taskId: string, @Body() body: unknown) {
    return this.client.request(Subjects.cmd.taskEnable, bodyWith(body, { taskId }));
  }

  @CommandRoute('tasks/:taskId/trigger', "Run a task now (the execution id is the commandId), optionally with this run's configPatch", Subjects.cmd.taskTrigger, { status: 202, body: 'TriggerTaskInput' })
  trigger(@Param('taskId') taskId: string, @Body() body: unknown) {
    return this.client.triggerTask(bodyWith(body, { taskId }) as never);
  }

  @CommandRoute('tasks/:taskId/backfill', 'Fire the occurrences in (from, to] that never fired', Subjects.cmd.taskBackfill, {
    status: 202,
    body: 'BackfillTaskInput',
    bodyRequired: true,
  })
  backfill(@Param('taskId') taskId: string, @Body() body: unknown) {
    return this.client.backfillTask(bodyWith(body, { taskId }) as never);
  }

  @QueryRoute('tasks/:taskId/next-fires', 'The next instants the task fires', Subjects.query.taskNextFires, {
    query: { count: { type: 'integer', description: '1..1000, default 10' }, after: { type: 'string', description: 'ISO instant, default now' } },
  })
  nextFires(@Param('taskId') taskId: string, @Query() query: Record<string, unknown>) {
    return this.client.nextFires({ ...queryPayload(query, { numeric: ['count'] }), taskId } as never);
  }

  @CommandRoute('schedules/next-fires', 'Preview the next fires of schedules not saved yet', Subjects.query.taskNextFires, {
    body: 'NextFiresPreviewInput',
    bodyRequired: true,
    errors: [400, 422],
  })
  previewNextFires(@Body() body: unknown) {
    return this.client.nextFires(body as never);
  }

  @QueryRoute('stats', "How every task's executions went, together (schedctl stats)", Subjects.query.stats, { query: MIN_POSITION, errors: [422] })
  overallStats(@Query() query: Record<string, unknown>) {
    return this.client.overallStats(queryPayload(query, { numeric: ['minPosition'] }) as never);
  }

  @QueryRoute('tasks/:taskId/stats', "How the task's executions went", Subjects.query.stats, { query: MIN_POSITION })
  stats(@Param('taskId') taskId: string, @Query() query: Record<string, unknown>) {
    return this.client.stats({ ...queryPayload(query, { numeric: ['minPosition'] }), taskId } as never);
  }
}
