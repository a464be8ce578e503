import { Module } from '@nestjs/common';
import { configuredExecutors, withWorkflowExecutor } from '@sched/executors';
import { ExecutorCatalog } from './executor-catalog';
import { ExecutionCommandService } from './execution-command.service';
import { ExecutionCommandsController } from './execution-commands.controller';
import { ExecutorsController } from './executors.controller';
import { TaskCommandService } from './task-command.service';
import { TaskNameRegistry } from './names/task-name-registry';
import { NextFiresController } from './next-fires.controller';
import { PendingExecutions } from './pending-executions';
import { schedClientProvider } from './sched-client.provider';
import { TaskCommandsController } from './task-commands.controller';

/** Task commands over NATS. Needs SchedCoreModule (config, NATS connection, event store) from the root module. */
@Module({
  controllers: [NextFiresController, TaskCommandsController, ExecutionCommandsController, ExecutorsController],
  providers: [
    TaskCommandService,
    TaskNameRegistry,
    ExecutionCommandService,
    PendingExecutions,
    { provide: ExecutorCatalog, useFactory: () => withWorkflowExecutor(new ExecutorCatalog(configuredExecutors())) },
    // task.delete {cancelPending} finds the task's executions in the read models (sched.query.*).
    schedClientProvider,
  ],
  exports: [ExecutorCatalog],
})
export class GatewayModule {}
