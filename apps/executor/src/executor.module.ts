import { Module } from '@nestjs/common';
import { ExecutorRegistry, configuredExecutors } from '@sched/executors';
import { ExecutorWorkerService } from './executor-worker.service';

/** The executor runtime with the built-in executors plus the custom ones named by EXECUTOR_MODULES. */
@Module({
  providers: [ExecutorWorkerService, { provide: ExecutorRegistry, useFactory: () => new ExecutorRegistry(configuredExecutors()) }],
  exports: [ExecutorWorkerService],
})
export class ExecutorModule {}
