import { Module } from '@nestjs/common';
import { WorkflowCommandsController } from './resume/workflow-commands.controller';
import { WorkflowResumeService } from './resume/workflow-resume.service';
import { WorkflowProcessManager } from './workflow-process-manager.service';

/** Workflow runs: the process manager that drives them, and `sched.cmd.workflow.resume`. */
@Module({
  controllers: [WorkflowCommandsController],
  providers: [WorkflowProcessManager, WorkflowResumeService],
  exports: [WorkflowProcessManager],
})
export class WorkflowModule {}
