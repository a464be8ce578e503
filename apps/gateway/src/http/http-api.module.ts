import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { NatsConnection } from '@nats-io/transport-node';
import { SchedClient } from '@sched/client';
import { NATS_CONNECTION } from '@sched/messaging';
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
    { provide: SchedClient, useFactory: (nc: NatsConnection) => SchedClient.connect(nc), inject: [NATS_CONNECTION] },
    HealthIndicators,
  ],
})
export class HttpApiModule {}
