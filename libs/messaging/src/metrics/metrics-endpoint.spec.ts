import { ConfigError, loadConfig } from '../config';
import { MetricsEndpoint } from './metrics-endpoint';
import { SchedMetrics } from './sched-metrics';

async function started(env: NodeJS.ProcessEnv): Promise<{ endpoint: MetricsEndpoint; url: string; metrics: SchedMetrics }> {
  const metrics = new SchedMetrics();
  const endpoint = new MetricsEndpoint(loadConfig(env), metrics);
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
