import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Subjects, cancelExecutionPayloadSchema, parsePayload } from '@sched/contracts';
import { ExecutionCommandService } from './execution-command.service';

/** `sched.cmd.execution.*`: validate, run, reply. Errors become structured replies in SchedExceptionFilter. */
@Controller()
export class ExecutionCommandsController {
  constructor(private readonly executions: ExecutionCommandService) {}

  @MessagePattern(Subjects.cmd.executionCancel)
  cancel(@Payload() payload: unknown) {
    return this.executions.cancel(parsePayload(cancelExecutionPayloadSchema, payload, 'execution.cancel'));
  }
}
