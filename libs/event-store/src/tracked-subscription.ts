import type { RecordedEvent } from '@sched/contracts';
import type { CheckpointedSubscription, EventSubscription } from './event-store.port';

/**
 * Wraps an adapter's event generator as an EventSubscription that its store keeps in `registry` (so closing the
 * store closes it): close aborts the generator's work and ends it.
 */
export function trackSubscription(
  generator: AsyncGenerator<RecordedEvent>,
  controller: AbortController,
  registry: Set<{ close(): Promise<void> }>,
  readThrough?: () => number | undefined,
): EventSubscription {
  const subscription: EventSubscription = {
    [Symbol.asyncIterator]: () => generator,
    ...(readThrough ? { readThrough } : {}),
    close: async () => {
      controller.abort();
      registry.delete(subscription);
      await generator.return(undefined);
    },
  };
  registry.add(subscription);
  return subscription;
}

/** The same for a checkpointed subscription: closing the store saves its checkpoint and stops it. */
export function trackCheckpointed(
  subscription: CheckpointedSubscription,
  registry: Set<{ close(): Promise<void> }>,
): CheckpointedSubscription {
  const tracked: CheckpointedSubscription = {
    lastProcessed: subscription.lastProcessed,
    close: async () => {
      registry.delete(tracked);
      await subscription.close();
    },
  };
  registry.add(tracked);
  return tracked;
}
