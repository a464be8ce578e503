import { errorMessage } from '@sched/contracts';
import type { NatsConnection } from '@nats-io/transport-node';
import { within, type EventStore } from '@sched/event-store';

export const HEALTH_CHECK_TIMEOUT_MS = 2_000;

/** One dependency's state as this process sees it: up or down, and what was measured or went wrong. */
export interface DependencyCheck {
  readonly up: boolean;
  readonly details: Record<string, unknown>;
}

const checked = <T>(promise: Promise<T>, what: string): Promise<T> =>
  within(promise, HEALTH_CHECK_TIMEOUT_MS, () => new Error(`${what}: no answer within ${HEALTH_CHECK_TIMEOUT_MS} ms`));


/** This process's NATS connection: open, and a round trip to its server answered. */
export async function checkNats(nc: NatsConnection): Promise<DependencyCheck> {
  if (nc.isClosed()) return { up: false, details: { message: 'connection closed' } };
  try {
    return { up: true, details: { server: nc.getServer(), rttMs: await checked(nc.rtt(), 'nats') } };
  } catch (error) {
    return { up: false, details: { message: errorMessage(error) } };
  }
}

/** This process's event store: it answers for the log's head. */
export async function checkEventStore(store: EventStore): Promise<DependencyCheck> {
  try {
    return { up: true, details: { head: await checked(store.headPosition(), 'event store') } };
  } catch (error) {
    return { up: false, details: { message: errorMessage(error) } };
  }
}

export interface ProcessHealth {
  readonly status: 'ok' | 'error';
  readonly instance: string;
  readonly checks: { readonly nats: Record<string, unknown>; readonly eventStore: Record<string, unknown> };
}

/**
 * The health of this one process (not of whichever instance of its service answers a request): what a container's
 * health check asks. Both checks run at once, each bounded by HEALTH_CHECK_TIMEOUT_MS.
 */
export async function processHealth(instance: string, nc: NatsConnection, store: EventStore): Promise<ProcessHealth> {
  const [nats, eventStore] = await Promise.all([checkNats(nc), checkEventStore(store)]);
  const view = (check: DependencyCheck) => ({ status: check.up ? 'up' : 'down', ...check.details });
  return { status: nats.up && eventStore.up ? 'ok' : 'error', instance, checks: { nats: view(nats), eventStore: view(eventStore) } };
}
