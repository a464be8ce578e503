import type { NatsConnection } from '@nats-io/transport-node';
import { MemoryEventStore, type EventStore } from '@sched/event-store';
import { ConfigError, loadConfig } from '../config';
import { MetricsEndpoint } from './metrics-endpoint';
import { SchedMetrics } from './sched-metrics';

/** The three calls a health check makes of a connection; a real one is in the per-service metrics e2e. */
const connection = (state: { closed?: boolean; rtt?: () => Promise<number> } = {}) =>
  ({ isClosed: () => state.closed ?? false, getServer: () => '127.0.0.1:4222', rtt: state.rtt ?? (async () => 0.5) }) as unknown as NatsConnection;

async function started(env: NodeJS.ProcessEnv, nc = connection(), store: EventStore = new MemoryEventStore()): Promise<{ endpoint: MetricsEndpoint; url: string; metrics: SchedMetrics }> {
  const metrics = new SchedMetrics();
  const endpoint = new MetricsEndpoint(loadConfig(env), metrics, nc, store);
  await endpoint.onApplicationBootstrap();
  return { endpoint, metrics, url: `http://127.0.0.1:${endpoint.port()}` };
}

describe('MetricsEndpoint (METRICS_PORT of services without HTTP)', () => {
  it('serves this process\'s Prometheus metrics on GET /metrics and nothing else', async () => {
    const { endpoint, metrics, url } = await started({ METRICS_PORT: '0' });
    try {
      metrics.fired('schedule');
      const response = await fetch(`${url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const body = await response.text();
      expect(body).toMatch(/^sched_fires_total\{kind="schedule"\} 1$/m);
      expect(body).toContain('sched_process_cpu_seconds_total');
      expect((await fetch(`${url}/`)).status).toBe(404);
      expect((await fetch(`${url}/metrics`, { method: 'POST' })).status).toBe(404);
    } finally {
      await endpoint.onApplicationShutdown();
    }
  });

  it('wants the bearer token when SCHED_API_TOKEN is set', async () => {
    const { endpoint, url } = await started({ METRICS_PORT: '0', SCHED_API_TOKEN: 's3cret' });
    try {
      const refused = await fetch(`${url}/metrics`);
      // The gateway's structured 401 (it was plain text here).
      expect([refused.status, refused.headers.get('www-authenticate'), await refused.json()]).toEqual([401, 'Bearer realm="sched"', { ok: false, error: { code: 'UNAUTHORIZED', message: expect.stringContaining('bearer token'), details: {} } }]);
      expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer s3cret' } })).status).toBe(200);
    } finally {
      await endpoint.onApplicationShutdown();
    }
  });

  it('serves this process\'s health on GET /health, open even with a token: 200 when NATS and the store answer', async () => {
    const { endpoint, url } = await started({ METRICS_PORT: '0', SCHED_API_TOKEN: 's3cret', INSTANCE_ID: 'relay-1' });
    try {
      const response = await fetch(`${url}/health`);
      expect([response.status, await response.json()]).toEqual([
        200,
        { status: 'ok', instance: 'relay-1', checks: { nats: { status: 'up', server: '127.0.0.1:4222', rttMs: 0.5 }, eventStore: { status: 'up', head: 0 } } },
      ]);
    } finally {
      await endpoint.onApplicationShutdown();
    }
  });

  it('answers 503 naming what is down: a closed connection, a store that fails', async () => {
    const failing = new MemoryEventStore();
    failing.headPosition = () => Promise.reject(new Error('event store unavailable (head position)'));
    const { endpoint, url } = await started({ METRICS_PORT: '0' }, connection({ closed: true }), failing);
    try {
      const response = await fetch(`${url}/health`);
      expect([response.status, await response.json()]).toEqual([
        503,
        expect.objectContaining({ status: 'error', checks: { nats: { status: 'down', message: 'connection closed' }, eventStore: { status: 'down', message: 'event store unavailable (head position)' } } }),
      ]);
    } finally {
      await endpoint.onApplicationShutdown();
    }
  });

  it('is off without METRICS_PORT and refuses a bad one at start-up', async () => {
    const { endpoint } = await started({});
    expect(endpoint.port()).toBeUndefined();
    expect(() => loadConfig({ METRICS_PORT: 'ninety' })).toThrow(ConfigError);
  });

  it('fails the start when its port is taken, instead of running without metrics', async () => {
    const { endpoint, url } = await started({ METRICS_PORT: '0' });
    try {
      const port = new URL(url).port;
      await expect(started({ METRICS_PORT: port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await endpoint.onApplicationShutdown();
    }
  });
});
