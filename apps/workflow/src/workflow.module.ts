import { Module } from '@nestjs/common';
import { WorkflowCommandsController } from './resume/workflow-commands.controller';
import { WorkflowResumeService } from './resume/workflow-resume.service';
import { FailureNotices } from './failure-notices.service';
import { WorkflowLiveness } from './workflow-liveness';
import { WorkflowProcessManager } from './workflow-process-manager.service';

/**
 * Workflow runs: the process manager that drives them, and `sched.cmd.workflow.resume`; and the notices of failed
 * executions (FailureNotices), the other process manager that records executions.
 */
@Module({
  controllers: [WorkflowCommandsController],
  providers: [WorkflowProcessManager, WorkflowResumeService, FailureNotices, WorkflowLiveness],
  exports: [WorkflowProcessManager],
})
export class WorkflowModule {}
