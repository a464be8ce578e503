import { errorMessage } from '@sched/contracts';
import { connect, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import './nats-request-patch';
import './nats-write-coalescing-patch';

/** The first connection attempt failed: nothing listens at the URL (or it is not a NATS server). */
export class NatsUnreachableError extends Error {
  constructor(
    readonly url: string,
    override readonly cause?: unknown,
  ) {
    super(`NATS unreachable at ${url}: ${errorMessage(cause)}`);
    this.name = 'NatsUnreachableError';
  }
}

/**
 * Connects once (fails fast with NatsUnreachableError), then reconnects forever: services must survive a
 * nats-server restart without being restarted themselves.
 */
export async function connectNats(
  url: string,
  name: string,
  overrides: Partial<NodeConnectionOptions> = {},
): Promise<NatsConnection> {
  try {
    return await connect({
      servers: url.split(','), // a cluster: several URLs, comma-separated
      name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      reconnectJitter: 100,
      waitOnFirstConnect: false,
      // nats.js otherwise builds two Error objects (stack traces) per request: ~30% of the CPU of an append.
      noAsyncTraces: true,
      ...overrides,
    });
  } catch (error) {
    throw new NatsUnreachableError(url, error);
  }
}
