import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  Subjects,
  backfillTaskPayloadSchema,
  createTaskPayloadSchema,
  deleteTaskPayloadSchema,
  disableTaskPayloadSchema,
  enableTaskPayloadSchema,
  parsePayload,
  pauseTaskPayloadSchema,
  resumeTaskPayloadSchema,
  triggerTaskPayloadSchema,
  updateTaskPayloadSchema,
} from '@sched/contracts';
import { TaskCommandService } from './task-command.service';

/** `sched.cmd.task.*`: validate, run, reply. Errors become structured replies in SchedExceptionFilter. */
@Controller()
export class TaskCommandsController {
  constructor(private readonly tasks: TaskCommandService) {}

  @MessagePattern(Subjects.cmd.taskCreate)
  create(@Payload() payload: unknown) {
    return this.tasks.create(parsePayload(createTaskPayloadSchema, payload, 'task.create'));
  }

  @MessagePattern(Subjects.cmd.taskUpdate)
  update(@Payload() payload: unknown) {
    return this.tasks.update(parsePayload(updateTaskPayloadSchema, payload, 'task.update'));
  }

  @MessagePattern(Subjects.cmd.taskPause)
  pause(@Payload() payload: unknown) {
    return this.tasks.pause(parsePayload(pauseTaskPayloadSchema, payload, 'task.pause'));
  }

  @MessagePattern(Subjects.cmd.taskResume)
  resume(@Payload() payload: unknown) {
    return this.tasks.resume(parsePayload(resumeTaskPayloadSchema, payload, 'task.resume'));
  }

  @MessagePattern(Subjects.cmd.taskDisable)
  disable(@Payload() payload: unknown) {
    return this.tasks.disable(parsePayload(disableTaskPayloadSchema, payload, 'task.disable'));
  }

  @MessagePattern(Subjects.cmd.taskEnable)
  enable(@Payload() payload: unknown) {
    return this.tasks.enable(parsePayload(enableTaskPayloadSchema, payload, 'task.enable'));
  }

  @MessagePattern(Subjects.cmd.taskDelete)
  delete(@Payload() payload: unknown) {
    return this.tasks.delete(parsePayload(deleteTaskPayloadSchema, payload, 'task.delete'));
  }

  @MessagePattern(Subjects.cmd.taskBackfill)
  backfill(@Payload() payload: unknown) {
    return this.tasks.backfill(parsePayload(backfillTaskPayloadSchema, payload, 'task.backfill'));
  }

  @MessagePattern(Subjects.cmd.taskTrigger)
  trigger(@Payload() payload: unknown) {
    return this.tasks.trigger(parsePayload(triggerTaskPayloadSchema, payload, 'task.trigger'));
  }
}
