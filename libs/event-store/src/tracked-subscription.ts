import type { RecordedEvent } from '@sched/contracts';
import type { EventSubscription } from './event-store.port';

/**
 * Wraps an adapter's event generator as an EventSubscription that its store keeps in `registry` (so closing the
 * store closes it): close aborts the generator's work and ends it.
 */
export function trackSubscription(
  generator: AsyncGenerator<RecordedEvent>,
  controller: AbortController,
  registry: Set<{ close(): Promise<void> }>,
): EventSubscription {
  const subscription: EventSubscription = {
    [Symbol.asyncIterator]: () => generator,
    close: async () => {
      controller.abort();
      registry.delete(subscription);
      await generator.return(undefined);
    },
  };
  registry.add(subscription);
  return subscription;
}
