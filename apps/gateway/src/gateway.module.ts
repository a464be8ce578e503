import { Module } from '@nestjs/common';
import { ExecutorCatalog } from './executor-catalog';
import { TaskCommandService } from './task-command.service';
import { TaskCommandsController } from './task-commands.controller';

/** Task commands over NATS. Needs SchedCoreModule (config, NATS connection, event store) from the root module. */
@Module({
  controllers: [TaskCommandsController],
  providers: [TaskCommandService, { provide: ExecutorCatalog, useFactory: () => ExecutorCatalog.withBuiltins() }],
  exports: [ExecutorCatalog],
})
export class GatewayModule {}
