import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  Subjects,
  cancelExecutionPayloadSchema,
  cancelWorkflowPayloadSchema,
  parsePayload,
  pauseExecutionPayloadSchema,
  resumeExecutionPayloadSchema,
  terminateExecutionPayloadSchema,
} from '@sched/contracts';
import { ExecutionCommandService } from './execution-command.service';

/** `sched.cmd.execution.*` and `sched.cmd.workflow.cancel` (a run's execution): validate, run, reply. Errors become structured replies in SchedExceptionFilter. */
@Controller()
export class ExecutionCommandsController {
  constructor(private readonly executions: ExecutionCommandService) {}

  @MessagePattern(Subjects.cmd.executionCancel)
  cancel(@Payload() payload: unknown) {
    return this.executions.cancel(parsePayload(cancelExecutionPayloadSchema, payload, 'execution.cancel'));
  }

  @MessagePattern(Subjects.cmd.workflowCancel)
  cancelRun(@Payload() payload: unknown) {
    return this.executions.cancelRun(parsePayload(cancelWorkflowPayloadSchema, payload, 'workflow.cancel'));
  }

  @MessagePattern(Subjects.cmd.executionPause)
  pause(@Payload() payload: unknown) {
    return this.executions.pause(parsePayload(pauseExecutionPayloadSchema, payload, 'execution.pause'));
  }

  @MessagePattern(Subjects.cmd.executionResume)
  resume(@Payload() payload: unknown) {
    return this.executions.resume(parsePayload(resumeExecutionPayloadSchema, payload, 'execution.resume'));
  }

  @MessagePattern(Subjects.cmd.executionTerminate)
  terminate(@Payload() payload: unknown) {
    return this.executions.terminate(parsePayload(terminateExecutionPayloadSchema, payload, 'execution.terminate'));
  }
}
