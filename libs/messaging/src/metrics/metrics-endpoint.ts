import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { EventStore } from '@sched/event-store';
import type { SchedConfig } from '../config';
import { BEARER_CHALLENGE, UNAUTHORIZED_REPLY, bearerTokenCheck } from '../security/bearer-token';
import { EVENT_STORE, NATS_CONNECTION, SCHED_CONFIG } from '../tokens';
import { processHealth } from './process-health';
import { SchedMetrics } from './sched-metrics';

/**
 * `GET /metrics` of a service that has no HTTP server of its own (timer, relay, executor, projector, workflow when run
 * as separate processes), on METRICS_HOST:METRICS_PORT, so Prometheus scrapes each one. Off unless METRICS_PORT is set.
 * Guarded by SCHED_API_TOKEN when set, like the gateway's /metrics. And `GET /health`, open like the gateway's: this
 * process's NATS connection and event store (200 or 503), for a container's health check, which must ask the process
 * it runs beside (a request over NATS is answered by any instance of the service). A bare node:http server, no framework.
 */
@Injectable()
export class MetricsEndpoint implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MetricsEndpoint.name);
  private server?: Server;
  private readonly authorized: (authorization: string | undefined) => boolean;

  constructor(
    @Inject(SCHED_CONFIG) private readonly config: SchedConfig,
    private readonly metrics: SchedMetrics,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {
    this.authorized = bearerTokenCheck(config.apiToken);
  }

  async onApplicationBootstrap(): Promise<void> {
    const { metricsPort, metricsHost } = this.config;
    if (metricsPort === undefined) return;
    const server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(metricsPort, metricsHost, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.logger.log(`metrics on http://${metricsHost}:${this.port()}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The port listened on (METRICS_PORT=0 picks a free one), or undefined when off. */
  port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/health') {
      const health = await processHealth(this.config.instanceId, this.nc, this.store);
      response.writeHead(health.status === 'ok' ? 200 : 503, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(health));
      return;
    }
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics and GET /health are served here\n');
      return;
    }
    if (!this.authorized(request.headers.authorization)) {
      // The gateway's 401, word for word: one shape for every client of sched's HTTP faces.
      response.writeHead(401, { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': BEARER_CHALLENGE }).end(JSON.stringify(UNAUTHORIZED_REPLY));
      return;
    }
    try {
      const { contentType, body } = await this.metrics.exposition();
      response.writeHead(200, { 'content-type': contentType }).end(body);
    } catch (error) {
      response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics unavailable: ${String(error)}\n`);
    }
  }
}
