import { randomUUID } from 'node:crypto';
import type { EventEnvelope, RecordedEvent } from '@sched/contracts';
import type { EventStore, EventSubscription } from '../event-store.port';

export interface EventStoreFixture {
  readonly store: EventStore;
  /** Stops and starts the server behind the store (same address, same data); only for networked adapters. */
  readonly restartServer?: () => Promise<void>;
  readonly cleanup: () => Promise<void>;
}

export type EventStoreFactory = () => Promise<EventStoreFixture>;

export function anEvent(type = 'SomethingHappened', data: unknown = { n: Math.random() }): EventEnvelope {
  const id = randomUUID();
  return {
    id,
    type,
    data,
    metadata: { correlationId: `c-${id}`, causationId: `k-${id}`, occurredAt: new Date().toISOString(), schemaVersion: 1 },
  };
}

export const events = (count: number, type?: string): EventEnvelope[] =>
  Array.from({ length: count }, (_, i) => anEvent(type, { i }));

/** A fresh stream id per test run, so nothing depends on what an earlier test wrote. */
export const streamId = (category = 'test'): string => `${category}-${randomUUID()}`;

/** Polls `condition` until it holds; fails with `describe()` after `timeoutMs`. Never a fixed sleep. */
export async function waitFor(condition: () => boolean, describe: () => string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Drains a subscription in the background into `received`. */
export class Collector {
  readonly received: RecordedEvent[] = [];
  error: unknown;
  private readonly done: Promise<void>;

  constructor(readonly subscription: EventSubscription) {
    this.done = (async () => {
      try {
        for await (const event of subscription) this.received.push(event);
      } catch (error) {
        this.error = error;
      }
    })();
  }

  ids(): string[] {
    return this.received.map((event) => event.id);
  }

  /** Waits until an event with this id arrived. */
  async until(id: string, timeoutMs?: number): Promise<void> {
    await waitFor(
      () => this.error !== undefined || this.received.some((event) => event.id === id),
      () => `event ${id} (received ${this.received.length})`,
      timeoutMs,
    );
    if (this.error) throw this.error;
  }

  async close(): Promise<void> {
    await this.subscription.close();
    await this.done;
  }
}

export async function drain(iterable: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
  const result: RecordedEvent[] = [];
  for await (const event of iterable) result.push(event);
  return result;
}

/** Strictly increasing positions: commit order, each event once. */
export function expectCommitOrder(received: readonly RecordedEvent[]): void {
  for (let i = 1; i < received.length; i++) {
    if (!(received[i].position > received[i - 1].position)) {
      throw new Error(`position ${received[i].position} at ${i} does not follow ${received[i - 1].position}`);
    }
  }
}
