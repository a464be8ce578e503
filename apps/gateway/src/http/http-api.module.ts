import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { schedClientProvider } from '../sched-client.provider';
import { EventsSseController } from './events.sse-controller';
import { ExecutionsHttpController } from './executions.http-controller';
import { HealthIndicators } from './health.indicators';
import { HistoryHttpController } from './history.http-controller';
import { OpsController } from './ops.controller';
import { TasksHttpController } from './tasks.http-controller';
import { WorkflowsHttpController } from './workflows.http-controller';

/**
 * The HTTP face of the gateway. Its controllers hold no business rules: they send the NATS commands and queries
 * through the typed SDK on the process's NATS connection, wherever the handlers run.
 */
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [TasksHttpController, ExecutionsHttpController, WorkflowsHttpController, HistoryHttpController, EventsSseController, OpsController],
  providers: [
    schedClientProvider,
    HealthIndicators,
  ],
})
export class HttpApiModule {}
