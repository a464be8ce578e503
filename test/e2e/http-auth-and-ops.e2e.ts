import { randomUUID } from 'node:crypto';
import type { TaskCommandResult } from '@sched/contracts';
import { ProjectorService } from '../../apps/projector/src/projector.service';
import { httpClient, resultOf } from '../support/http';
import { sumOfSamples } from '../support/metrics-text';
import { startTestSystem, waitFor, type TestSystem } from '../support/system';

const TOKEN = 's3cret-token';

/** SCHED_API_TOKEN, /health, /metrics and the OpenAPI document of the gateway. */
describe('HTTP auth, health, metrics and OpenAPI', () => {
  let system: TestSystem;
  let http: ReturnType<typeof httpClient>;

  beforeAll(async () => {
    system = await startTestSystem({ SCHED_API_TOKEN: TOKEN });
    http = httpClient(system.httpUrl, TOKEN);
  });
  afterAll(async () => {
    await system?.close();
  });

  it('wants the bearer token on every API route, /metrics and the event stream; /health is open', async () => {
    for (const path of ['/api/tasks', '/api/executions', '/metrics', '/api/events', '/api/history']) {
      const anonymous = await fetch(`${system.httpUrl}${path}`);
      expect({ path, status: anonymous.status }).toEqual({ path, status: 401 });
      expect(anonymous.headers.get('www-authenticate')).toContain('Bearer');
      expect(await anonymous.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
      const wrong = await fetch(`${system.httpUrl}${path}`, { headers: { authorization: 'Bearer not-the-token' } });
      expect({ path, status: wrong.status }).toEqual({ path, status: 401 });
    }
    const post = await fetch(`${system.httpUrl}/api/tasks`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(post.status).toBe(401);
    expect((await http.get('/api/tasks')).status).toBe(200);
    expect((await fetch(`${system.httpUrl}/health`)).status).toBe(200);
  });

  it('wants it however the path is spelled that still reaches a route: case, a trailing slash, escapes, repeated slashes', async () => {
    const spellings = ['/API/tasks', '/Api/executions', '/api/TASKS', '/METRICS', '/metrics/', '/api/history/', '/API/events', '/%61pi/tasks', '//api/tasks', '/api//tasks'];
    for (const path of spellings) {
      const anonymous = await fetch(`${system.httpUrl}${path}`, { signal: AbortSignal.timeout(5_000) });
      await anonymous.body?.cancel();
      expect({ path, status: anonymous.status }).toEqual({ path, status: 401 });
    }
  });

  it('serves the dashboard files and the API description without the token (they hold no data)', async () => {
    const page = await fetch(`${system.httpUrl}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>sched');
    expect((await fetch(`${system.httpUrl}/api/docs-json`)).status).toBe(200);
  });

  it('reports NATS, the event store and the projector as up on /health', async () => {
    const health = await fetch(`${system.httpUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      details: { nats: { status: 'up' }, eventStore: { status: 'up' }, projector: { status: 'up', lagSeconds: 0 } },
    });
  });

  it('documents every registered route in the OpenAPI document, with the contracts\' schemas', async () => {
    const document = (await (await fetch(`${system.httpUrl}/api/docs-json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    const router = (system.app.getHttpAdapter().getInstance() as { router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> } }).router;
    const routes = router.stack
      .filter((layer) => layer.route && !layer.route.path.startsWith('/api/docs'))
      .flatMap((layer) => Object.keys(layer.route!.methods).map((method) => `${method.toUpperCase()} ${layer.route!.path.replace(/:(\w+)/g, '{$1}')}`));
    expect(routes.length).toBeGreaterThan(20);
    const documented = Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
    expect(routes.filter((route) => !documented.includes(route))).toEqual([]);
    expect(routes).toEqual(expect.arrayContaining(['POST /api/tasks', 'GET /api/events', 'GET /health', 'GET /metrics']));
    expect(Object.keys(document.components.schemas.CreateTaskInput.properties ?? {})).toEqual(expect.arrayContaining(['name', 'executor', 'schedules']));
    // What the routes really take and answer (a bug hunt found these documented otherwise).
    const raw = document as unknown as {
      paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: { content: Record<string, { schema: { $ref: string } }> } }>>;
      components: { schemas: Record<string, { additionalProperties?: unknown; properties?: Record<string, { pattern?: string }> }>; securitySchemes: Record<string, { bearerFormat?: string }> };
    };
    expect(raw.components.schemas.CommandInput).toMatchObject({ additionalProperties: false, properties: { commandId: { pattern: expect.any(String) } } });
    expect(raw.components.securitySchemes.bearer.bearerFormat).toBeUndefined(); // an opaque token, not a JWT
    expect(raw.paths['/api/tasks/{taskId}'].delete.requestBody?.content['application/json'].schema.$ref).toBe('#/components/schemas/DeleteTaskInput');
    expect(raw.paths['/api/executions/{executionId}/cancel'].post.requestBody?.content['application/json'].schema.$ref).toBe('#/components/schemas/CancelExecutionInput');
    expect(Object.keys(raw.paths['/api/events'].get.responses)).toEqual(expect.arrayContaining(['200', '401', '422']));
    expect(Object.keys(raw.paths['/metrics'].get.responses)).toEqual(expect.arrayContaining(['200', '401']));
    expect(Object.keys(raw.paths['/api/tasks/{taskId}/trigger'].post.responses)).toEqual(expect.arrayContaining(['413', '415', '422']));
  });

  it('counts fires, lateness, outcomes and durations on /metrics, with queue depth and projection lag', async () => {
    const created = resultOf(await http.post<TaskCommandResult>('/api/tasks', { name: 'every second', executor: 'noop', schedules: [{ type: 'interval', every: '1s' }] }));
    const text = await waitFor(async () => {
      const body = await (await fetch(`${system.httpUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
      return sumOfSamples(body, 'sched_executions_total{outcome="succeeded",executor="noop"}') >= 1 ? body : undefined;
    }, 15_000, 'a scheduled execution to be counted');
    expect(sumOfSamples(text, 'sched_fires_total{kind="schedule"}')).toBeGreaterThanOrEqual(1);
    expect(sumOfSamples(text, 'sched_fire_lateness_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(sumOfSamples(text, 'sched_execution_duration_seconds_count')).toBeGreaterThanOrEqual(1);
    // Its first attempt's schedule-to-start, held until its instant or not (either, on a loaded machine).
    expect(sumOfSamples(text, 'sched_schedule_to_start_seconds_count{executor="noop"')).toBeGreaterThanOrEqual(1);
    // First attempts come straight from the event log on JetStream: nothing goes through the work queue for them.
    expect(sumOfSamples(text, 'sched_work_received_total{executor="noop",source="log"}')).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^sched_work_queue_depth\{state="pending"\} \d+$/m);
    expect(text).toMatch(/^sched_projection_lag_seconds \d/m);
    expect(text).toMatch(/^sched_process_resident_memory_bytes \d+/m);
    await http.post(`/api/tasks/${created.taskId}/pause`);
  });

  it('turns /health to 503 naming the projector when the read models fall behind', async () => {
    await system.app.get(ProjectorService).stop();
    // An event committed an hour ago (by its own clock) that the stopped projector will not apply.
    const occurredAt = new Date(Date.now() - 3_600_000).toISOString();
    await system.store.append(`probe-${randomUUID()}`, [
      { id: randomUUID(), type: 'Probe', data: {}, metadata: { correlationId: 'probe', causationId: 'probe', occurredAt, schemaVersion: 1, actor: 'test' } },
    ], { expected: 'no_stream' });
    const health = await fetch(`${system.httpUrl}/health`);
    expect(health.status).toBe(503);
    const body = (await health.json()) as { status: string; error: Record<string, { lagSeconds: number }> };
    expect(body.status).toBe('error');
    expect(body.error.projector.lagSeconds).toBeGreaterThan(3000);
  });
});
