import type { NatsConnection } from '@nats-io/transport-node';
import type { EventStore } from '@sched/event-store';
import { loadConfig } from '@sched/messaging';
import { TimerService } from '../timer.service';

/** A timer owning the one partition, started on `store` (leases on the test's nats-server at `nats.url`). */
export async function startOnePartitionTimer(store: EventStore, nats: { readonly url: string }, nc: NatsConnection, env: Record<string, string>): Promise<TimerService> {
  const timer = new TimerService(store, nc, loadConfig({ NATS_URL: nats.url, TIMER_PARTITIONS: '1', TIMER_LEASE_TTL_MS: '1200', ...env }));
  await timer.onApplicationBootstrap();
  return timer;
}
