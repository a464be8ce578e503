import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { NATS_CONNECTION, SCHED_CONFIG, WorkerLiveness, workflowWorkerId, type SchedConfig } from '@sched/messaging';

/**
 * A workflow service is a worker too: it starts its runs' executions under `workflow:<INSTANCE_ID>`, which it keeps
 * alive in the worker registry (`schedctl import` refuses a target it runs against: it would start an imported run
 * that ended long ago, and the import would then stop at that stream).
 */
@Injectable()
export class WorkflowLiveness extends WorkerLiveness {
  constructor(@Inject(NATS_CONNECTION) nc: NatsConnection, @Inject(SCHED_CONFIG) config: SchedConfig) {
    super(nc, workflowWorkerId(config.instanceId));
  }
}
