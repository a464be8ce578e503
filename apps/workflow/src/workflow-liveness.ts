import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { NATS_CONNECTION, SCHED_CONFIG, WORK_ACK_WAIT_MS, WorkerRegistry, workflowWorkerId, type SchedConfig } from '@sched/messaging';

/** Refreshed well inside the registry's TTL (the work ack wait), as executors refresh theirs. */
const REFRESH_EVERY_MS = Math.min(5_000, Math.floor(WORK_ACK_WAIT_MS / 3));

/**
 * A workflow service is a worker too: it starts its runs' executions under `workflow:<INSTANCE_ID>`. It keeps that
 * worker id alive in the worker registry, so what asks who acts on the log sees it (`schedctl import` refuses a target
 * it runs against: it would start an imported run that ended long ago, and the import then stops at that stream).
 */
@Injectable()
export class WorkflowLiveness implements OnApplicationBootstrap, OnModuleDestroy {
  private registry?: WorkerRegistry;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(SCHED_CONFIG) private readonly config: SchedConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.registry = await WorkerRegistry.open(this.nc, workflowWorkerId(this.config.instanceId));
    this.registry.start(REFRESH_EVERY_MS);
  }

  onModuleDestroy(): void {
    this.registry?.close();
  }
}
