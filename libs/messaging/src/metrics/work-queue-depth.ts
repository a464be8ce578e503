import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { DEFAULT_STREAM_NAME, LOG_DISPATCH_CONSUMER } from '@sched/event-store';
import { WORK_CONSUMER, WORK_STREAM } from '../work-queue';
import type { WorkQueueDepth } from './sched-metrics';

/**
 * Reads the executors' backlog from their durable consumers (what JetStream itself counts): the work queue's, plus,
 * with log dispatch, the dispatch consumer's on the event log, whose pending count is the execution commits it has
 * not delivered yet (under a backlog, mostly TaskDue: a later commit of an execution exists only once it started).
 */
export function workQueueDepthReader(nc: NatsConnection, logDispatch = false): () => Promise<WorkQueueDepth> {
  const manager = jetstreamManager(nc);
  return async () => {
    const jsm = await manager;
    const consumers = await Promise.all([
      jsm.consumers.info(WORK_STREAM, WORK_CONSUMER),
      ...(logDispatch ? [jsm.consumers.info(DEFAULT_STREAM_NAME, LOG_DISPATCH_CONSUMER)] : []),
    ]);
    return {
      pending: consumers.reduce((sum, info) => sum + info.num_pending, 0),
      inFlight: consumers.reduce((sum, info) => sum + info.num_ack_pending, 0),
    };
  };
}
