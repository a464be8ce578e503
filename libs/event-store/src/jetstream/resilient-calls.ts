import { errorMessage } from '@sched/contracts';
import { sleep } from '../abortable-sleep';
import { JetStreamApiError } from '@nats-io/jetstream';
import { RequestError, TimeoutError, type NatsConnection } from '@nats-io/transport-node';
import { EventStoreUnavailableError } from '../errors';

/** How long one store operation keeps retrying through a disconnection before it gives up. */
export const DEFAULT_OPERATION_DEADLINE_MS = 15_000;

/**
 * Errors after which the same request may succeed a moment later: timeouts, a dropped connection (nats.js v3 drops
 * what was buffered while disconnected), JetStream still starting, or the meta layer briefly unavailable.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof TimeoutError || error instanceof RequestError || error instanceof ConnectionLostError) return true;
  // JetStreamNotEnabled (no responders: the server is up but JetStream not yet) is not exported by the package.
  if (error instanceof Error && error.name === 'JetStreamNotEnabled') return true;
  return error instanceof JetStreamApiError && error.status === 503;
}

/** The connection dropped while a request was in flight: its outcome is unknown, so it is retried. */
export class ConnectionLostError extends Error {
  constructor() {
    super('connection lost during the request');
    this.name = 'ConnectionLostError';
  }
}

export function toUnavailable(what: string, error: unknown): EventStoreUnavailableError {
  const reason = errorMessage(error);
  return new EventStoreUnavailableError(`event store unavailable (${what}): ${reason}`, error);
}


/**
 * Knows whether the connection is up (from its status events) and retries requests across reconnects. Waiting for
 * the reconnect instead of publishing into the void avoids burning a full request timeout per attempt.
 */
export class ResilientCalls {
  private connected = true;
  private waiters: Array<() => void> = [];
  /** Requests in flight, told when the connection drops: nats.js would let them wait for their full timeout. */
  private readonly inFlight = new Set<() => void>();
  private readonly reconnectListeners = new Set<() => void>();
  private readonly status: AsyncIterable<unknown> & { stop?: () => void };

  constructor(
    private readonly nc: NatsConnection,
    private readonly defaultDeadlineMs = DEFAULT_OPERATION_DEADLINE_MS,
  ) {
    this.status = nc.status() as AsyncIterable<unknown> & { stop?: () => void };
    void this.watch();
  }

  /** Runs `op`, retrying transient failures until `deadlineMs` has passed; then EventStoreUnavailableError. */
  async run<T>(
    what: string,
    op: () => Promise<T>,
    deadlineMs = this.defaultDeadlineMs,
    signal?: AbortSignal,
  ): Promise<T> {
    const deadline = Date.now() + deadlineMs;
    for (let attempt = 0; ; attempt++) {
      if (this.nc.isClosed()) throw toUnavailable(what, new Error('NATS connection closed'));
      if (signal?.aborted) throw toUnavailable(what, new Error('aborted'));
      if (!this.connected) await this.waitConnected(deadline - Date.now(), signal);
      if (signal?.aborted) throw toUnavailable(what, new Error('aborted'));
      try {
        return await this.abandonOnDisconnect(op());
      } catch (error) {
        if (!isTransient(error) || Date.now() >= deadline || this.nc.isClosed()) {
          throw isTransient(error) ? toUnavailable(what, error) : error;
        }
        await sleep(Math.min(25 * 2 ** Math.min(attempt, 8), 500, Math.max(0, deadline - Date.now())), signal);
      }
    }
  }

  isClosed(): boolean {
    return this.nc.isClosed();
  }

  /** Calls `listener` after every reconnect until the returned function is called. */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  stop(): void {
    this.status.stop?.();
    this.wake();
  }

  /**
   * Rejects with ConnectionLostError when the connection drops before `request` settles. A request sent into a
   * dead socket (before the disconnect was noticed) is dropped by nats.js v3, so waiting would only burn the timeout;
   * retrying is safe (reads) or deduplicated by Nats-Msg-Id (appends).
   */
  private abandonOnDisconnect<T>(request: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const abandon = (): void => reject(new ConnectionLostError());
      this.inFlight.add(abandon);
      request.then(
        (value) => {
          this.inFlight.delete(abandon);
          resolve(value);
        },
        (error: unknown) => {
          this.inFlight.delete(abandon);
          reject(error);
        },
      );
    });
  }

  private async watch(): Promise<void> {
    for await (const status of this.status) {
      const type = (status as { type: string }).type;
      if (type === 'disconnect') {
        this.connected = false;
        for (const abandon of [...this.inFlight]) abandon();
        this.inFlight.clear();
      }
      if (type === 'reconnect') {
        this.connected = true;
        this.wake();
        for (const listener of [...this.reconnectListeners]) listener();
      }
      if (type === 'close') this.wake();
    }
  }

  private waitConnected(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      // setTimeout cannot take Infinity (it would fire at once): cap the wait, the caller loops anyway.
      const timer = setTimeout(done, Math.max(0, Math.min(timeoutMs, 60_000)));
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
      this.waiters.push(done);
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}
