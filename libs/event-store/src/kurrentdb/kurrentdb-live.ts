import type { AllStreamSubscription, KurrentDBClient } from '@kurrent/kurrentdb-client';
import type { RecordedEvent } from '@sched/contracts';
import { matchesFilter } from '../event-filter';
import type { EventFilter } from '../event-store.port';
import { sleep } from '../abortable-sleep';
import { toServerFilter } from './kurrentdb-filter';
import { fromPortPosition, toRecordedEvent } from './kurrentdb-mapping';

const RETRY_MIN_MS = 50;
const RETRY_MAX_MS = 5000;

/**
 * Matching events after `after`, forever (until `signal` aborts). One catch-up subscription to $all with the server-side
 * filter; when it drops (server restart, network, leader change) it re-subscribes after the last event it saw, with
 * back-off, so the caller sees every event once and in order without noticing.
 */
export async function* liveEvents(
  client: KurrentDBClient,
  namespace: string,
  after: number,
  filter: EventFilter | undefined,
  signal: AbortSignal,
): AsyncGenerator<RecordedEvent> {
  let last = after;
  let failures = 0;
  const serverFilter = toServerFilter(filter, namespace);
  while (!signal.aborted) {
    const subscription: AllStreamSubscription = client.subscribeToAll({ fromPosition: fromPortPosition(last), filter: serverFilter });
    // Closing must end a pending read, not only the next one: unsubscribing ends the stream under the for-await.
    const stop = (): void => void subscription.unsubscribe().catch(() => undefined);
    signal.addEventListener('abort', stop, { once: true });
    try {
      for await (const resolved of subscription) {
        const event = toRecordedEvent(resolved, namespace);
        if (!event || event.position <= last) continue;
        last = event.position;
        failures = 0;
        if (matchesFilter(event, filter)) yield event;
      }
    } catch {
      // Dropped: fall through to re-subscribe from `last` (or stop when closing).
    } finally {
      signal.removeEventListener('abort', stop);
      await subscription.unsubscribe().catch(() => undefined);
    }
    if (signal.aborted) return;
    failures += 1;
    await sleep(Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(failures - 1, 10)), signal);
  }
}
