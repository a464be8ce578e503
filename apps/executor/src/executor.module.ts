import { Module } from '@nestjs/common';
import { BUILTIN_EXECUTORS, ExecutorRegistry } from '@sched/executors';
import { ExecutorWorkerService } from './executor-worker.service';

@Module({
  providers: [ExecutorWorkerService, { provide: ExecutorRegistry, useFactory: () => new ExecutorRegistry(BUILTIN_EXECUTORS) }],
})
export class ExecutorModule {}
