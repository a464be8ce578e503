import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { WorkerRegistry } from './worker-registry';

/**
 * Keeps a service's worker id alive in the worker registry while it runs (entries lapse 30 s after it stops), for
 * what asks which processes act on the log: `schedctl import` refuses a target one runs against. Workflow services
 * and timers extend it with their worker id; executors keep their entry themselves.
 */
export class WorkerLiveness implements OnApplicationBootstrap, OnModuleDestroy {
  private registry?: WorkerRegistry;

  constructor(
    private readonly nc: NatsConnection,
    private readonly workerId: string,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.registry = await WorkerRegistry.open(this.nc, this.workerId);
    this.registry.start();
  }

  onModuleDestroy(): void {
    this.registry?.close();
  }
}
