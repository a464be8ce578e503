import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Subjects, parsePayload, resumeWorkflowPayloadSchema } from '@sched/contracts';
import { WorkflowResumeService } from './workflow-resume.service';

/** `sched.cmd.workflow.*`: validate, run, reply (errors become structured replies in SchedExceptionFilter). */
@Controller()
export class WorkflowCommandsController {
  constructor(private readonly resumes: WorkflowResumeService) {}

  @MessagePattern(Subjects.cmd.workflowResume)
  resume(@Payload() payload: unknown) {
    return this.resumes.resume(parsePayload(resumeWorkflowPayloadSchema, payload, 'workflow.resume'));
  }
}
