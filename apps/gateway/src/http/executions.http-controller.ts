import { Body, Controller, Param, Query, UseInterceptors } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { SchedClient } from '@sched/client';
import { Subjects, executionStatuses } from '@sched/contracts';
import { CommandRoute, PAGE_FIELDS, QueryRoute } from './api-docs.decorators';
import { bodyWith, queryPayload } from './http-input';
import { ReplyInterceptor } from './reply.interceptor';

/** Executions over HTTP, each route one NATS command or query through the typed SDK. */
@ApiTags('executions')
@Controller('api')
@UseInterceptors(ReplyInterceptor)
export class ExecutionsHttpController {
  constructor(private readonly client: SchedClient) {}

  @QueryRoute('executions', 'List executions, newest scheduled first', Subjects.query.executionList, {
    errors: [422],
    query: {
      ...PAGE_FIELDS,
      taskId: { type: 'string' },
      status: { type: 'string', enum: executionStatuses },
      from: { type: 'string', description: 'scheduled at or after (ISO instant)' },
      to: { type: 'string', description: 'scheduled before (ISO instant)' },
    },
  })
  list(@Query() query: Record<string, unknown>) {
    return this.client.listExecutions(queryPayload(query, { numeric: ['limit', 'minPosition'] }) as never);
  }

  @QueryRoute('executions/:executionId', 'Get an execution with its attempts', Subjects.query.executionGet, { query: { minPosition: PAGE_FIELDS.minPosition } })
  get(@Param('executionId') executionId: string, @Query() query: Record<string, unknown>) {
    return this.client.getExecution({ ...queryPayload(query, { numeric: ['minPosition'] }), executionId } as never);
  }

  @CommandRoute('executions/:executionId/cancel', 'Cancel an execution (a running one is aborted by its executor)', Subjects.cmd.executionCancel, { body: 'CancelExecutionInput' })
  cancel(@Param('executionId') executionId: string, @Body() body: unknown) {
    return this.client.cancelExecution(bodyWith(body, { executionId }) as never);
  }

  @CommandRoute('executions/:executionId/pause', 'Pause a running execution: its code waits at its next progress call', Subjects.cmd.executionPause, { body: 'ReasonInput' })
  pause(@Param('executionId') executionId: string, @Body() body: unknown) {
    return this.client.request(Subjects.cmd.executionPause, bodyWith(body, { executionId }));
  }

  @CommandRoute('executions/:executionId/resume', 'Resume a paused execution', Subjects.cmd.executionResume)
  resume(@Param('executionId') executionId: string, @Body() body: unknown) {
    return this.client.request(Subjects.cmd.executionResume, bodyWith(body, { executionId }));
  }

  @CommandRoute('executions/:executionId/terminate', 'Abort the running (or paused) attempt; the execution ends cancelled', Subjects.cmd.executionTerminate, { body: 'ReasonInput' })
  terminate(@Param('executionId') executionId: string, @Body() body: unknown) {
    return this.client.request(Subjects.cmd.executionTerminate, bodyWith(body, { executionId }));
  }
}
