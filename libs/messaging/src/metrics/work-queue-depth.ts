import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { WORK_CONSUMER, WORK_STREAM } from '../work-queue';
import type { WorkQueueDepth } from './sched-metrics';

/** Reads the executor work queue's depth from its durable consumer (what JetStream itself counts). */
export function workQueueDepthReader(nc: NatsConnection): () => Promise<WorkQueueDepth> {
  const manager = jetstreamManager(nc);
  return async () => {
    const info = await (await manager).consumers.info(WORK_STREAM, WORK_CONSUMER);
    return { pending: info.num_pending, inFlight: info.num_ack_pending };
  };
}
