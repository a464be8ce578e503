import { MAX_JSON_DEPTH, MAX_REQUEST_BYTES, Subjects, type ExecutionView, type Page, type TaskCommandResult, type TaskView, type TriggerTaskResult } from '@sched/contracts';
import { requestWithHeaders, resultOf } from '../support/http';
import { useSystemWithHttp, waitFor } from '../support/system';

/** The HTTP face of the gateway: every command and query, the same validation and errors as NATS, HTTP statuses. */
/** What `curl -d` sends without `-H content-type:…`. */
const FORM = 'application/x-www-form-urlencoded';

describe('HTTP API', () => {
  const context = useSystemWithHttp();

  async function createTask(body: Record<string, unknown>): Promise<TaskCommandResult> {
    const reply = await context.http.post<TaskCommandResult>('/api/tasks', body);
    expect(reply.status).toBe(201);
    return resultOf(reply);
  }

  it('creates, reads, changes, pauses, resumes and deletes a task', async () => {
    const created = await createTask({ name: 'report', executor: 'noop', schedules: [{ type: 'cron', expression: '0 9 * * *' }], tags: ['http', 'daily'] });
    const task = resultOf(await context.http.get<TaskView>(`/api/tasks/${created.taskId}?minPosition=${created.position}`));
    expect(task).toMatchObject({ taskId: created.taskId, name: 'report', state: 'active', tags: ['http', 'daily'] });

    const updated = resultOf(await context.http.patch<TaskCommandResult>(`/api/tasks/${created.taskId}`, { name: 'daily report' }));
    expect(updated.events).toEqual(['TaskUpdated']);
    const paused = await context.http.post<TaskCommandResult>(`/api/tasks/${created.taskId}/pause`, { note: 'maintenance' });
    expect(paused.status).toBe(200);
    const afterPause = resultOf(await context.http.get<TaskView>(`/api/tasks/${created.taskId}?minPosition=${resultOf(paused).position}`));
    expect(afterPause).toMatchObject({ name: 'daily report', state: 'paused', pauseNote: 'maintenance' });
    // Pausing a paused task changes nothing, as on NATS.
    expect(resultOf(await context.http.post<TaskCommandResult>(`/api/tasks/${created.taskId}/pause`)).events).toEqual([]);

    expect(resultOf(await context.http.post<TaskCommandResult>(`/api/tasks/${created.taskId}/resume`)).events).toEqual(['TaskResumed']);
    const list = resultOf(await context.http.get<Page<TaskView>>(`/api/tasks?tag=http&state=active&limit=10&minPosition=${(await context.system.store.headPosition())}`));
    expect(list.items.map((item) => item.taskId)).toContain(created.taskId);
    // Tags repeated (or joined with commas): tasks with every one of them.
    const both = resultOf(await context.http.get<Page<TaskView>>('/api/tasks?tag=http&tag=daily'));
    expect(both.items.map((item) => item.taskId)).toEqual([created.taskId]);
    expect(resultOf(await context.http.get<Page<TaskView>>('/api/tasks?tag=http,nowhere')).items).toEqual([]);

    const deleted = await context.http.delete<TaskCommandResult>(`/api/tasks/${created.taskId}?reason=done`);
    expect(resultOf(deleted).events).toEqual(['TaskDeleted']);
    expect((await context.system.store.read(`task-${created.taskId}`)).at(-1)).toMatchObject({ type: 'TaskDeleted', data: { reason: 'done' } });

    // Or in a JSON body, as every other command takes its fields: the reason is kept, a retried commandId acts once.
    const other = await createTask({ name: 'deleted by body', executor: 'noop' });
    const body = { reason: 'from the body', commandId: 'delete-by-body' };
    const first = await context.http.raw<TaskCommandResult>('DELETE', `/api/tasks/${other.taskId}`, JSON.stringify(body));
    expect(resultOf(first).events).toEqual(['TaskDeleted']);
    expect(await context.http.raw('DELETE', `/api/tasks/${other.taskId}`, JSON.stringify(body))).toMatchObject({ status: 200, body: first.body });
    expect((await context.system.store.read(`task-${other.taskId}`)).at(-1)).toMatchObject({ type: 'TaskDeleted', data: { reason: 'from the body' } });
  });

  it('triggers a task and follows the execution: list, get, stats, history, audit, as-of, cancel', async () => {
    const { taskId } = await createTask({ name: 'on demand', executor: 'noop' });
    const triggered = await context.http.post<TriggerTaskResult>(`/api/tasks/${taskId}/trigger`);
    expect(triggered.status).toBe(202);
    const { executionId } = resultOf(triggered);
    const done = await waitFor(async () => {
      const page = resultOf(await context.http.get<Page<ExecutionView>>(`/api/executions?taskId=${taskId}`));
      return page.items.find((item) => item.executionId === executionId && item.status === 'succeeded');
    }, 15_000, 'the triggered execution to succeed');
    expect(done.reason).toBe('trigger');

    const execution = resultOf(await context.http.get<ExecutionView>(`/api/executions/${encodeURIComponent(executionId)}`));
    expect(execution.attempts).toHaveLength(1);
    const stats = resultOf(await context.http.get<{ succeeded: number }>(`/api/tasks/${taskId}/stats`));
    expect(stats.succeeded).toBe(1);
    const overall = resultOf(await context.http.get<{ tasks: number; succeeded: number }>('/api/stats'));
    expect(overall.tasks).toBeGreaterThanOrEqual(1);
    expect(overall.succeeded).toBeGreaterThanOrEqual(1);
    // An unknown id is NOT_FOUND, not an empty history or an audit of nothing that "holds".
    expect((await context.http.get('/api/tasks/no-such-task/history')).status).toBe(404);
    expect((await context.http.get('/api/executions/no-such-execution/audit')).status).toBe(404);
    const history = resultOf(await context.http.get<{ events: Array<{ type: string }> }>(`/api/tasks/${taskId}/history?types=TaskCreated,TaskSucceeded`));
    expect(history.events.map((event) => event.type)).toEqual(['TaskCreated', 'TaskSucceeded']);
    const executionHistory = resultOf(await context.http.get<{ events: Array<{ type: string }> }>(`/api/executions/${encodeURIComponent(executionId)}/history`));
    expect(executionHistory.events[0].type).toBe('TaskDue');
    // Backward: the latest first, and the page's cursor is the next page's beforePosition.
    type Backward = { events: Array<{ type: string; position: number }>; nextCursor?: number };
    const latest = resultOf(await context.http.get<Backward>(`/api/tasks/${taskId}/history?direction=backward&limit=1`));
    expect(latest.events.map((event) => event.type)).toEqual(['TaskSucceeded']);
    const older = resultOf(await context.http.get<Backward>(`/api/tasks/${taskId}/history?direction=backward&limit=1&beforePosition=${latest.nextCursor}`));
    expect(older.events[0].position).toBeLessThan(latest.events[0].position);
    expect(resultOf(await context.http.get<{ ok: boolean; events: number }>(`/api/tasks/${taskId}/audit`))).toMatchObject({ ok: true });
    expect(resultOf(await context.http.get(`/api/executions/${encodeURIComponent(executionId)}/audit`))).toMatchObject({ ok: true, streams: 1 });
    const asOf = resultOf(await context.http.get<{ state: { status: string } }>(`/api/tasks/${taskId}/as-of?at=${new Date().toISOString()}`));
    expect(asOf.state.status).toBe('active');
    expect((await context.http.get(`/api/executions/${encodeURIComponent(executionId)}/as-of?at=${new Date().toISOString()}`)).status).toBe(200);

    const cancel = await context.http.post(`/api/executions/${encodeURIComponent(executionId)}/cancel`, { reason: 'too late' });
    expect(cancel.status).toBe(409);
    expect(cancel.body).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
  });

  it('disables and enables a task, and refuses to pause an execution that has ended', async () => {
    const { taskId } = await createTask({ name: 'switchable', executor: 'noop' });
    expect(resultOf(await context.http.post<TaskCommandResult>(`/api/tasks/${taskId}/disable`, { reason: 'holiday' })).events).toEqual(['TaskDisabled']);
    expect(resultOf(await context.http.post<TaskCommandResult>(`/api/tasks/${taskId}/enable`)).events).toEqual(['TaskEnabled']);
    expect((await context.http.post('/api/executions/nope@1/pause')).status).toBe(404);
    const { executionId } = resultOf(await context.http.post<TriggerTaskResult>(`/api/tasks/${taskId}/trigger`));
    await waitFor(async () => {
      const reply = await context.http.get<ExecutionView>(`/api/executions/${encodeURIComponent(executionId)}`);
      return reply.body.ok && reply.body.result.status === 'succeeded';
    }, 15_000, 'the execution to succeed');
    for (const action of ['pause', 'resume', 'terminate']) {
      const reply = await context.http.post(`/api/executions/${encodeURIComponent(executionId)}/${action}`);
      expect({ action, status: reply.status }).toEqual({ action, status: 409 });
    }
  });

  it('searches tasks by a part of their name, id or description, ignoring case; % and _ are text', async () => {
    const nightly = await createTask({ name: 'Nightly Billing Export', executor: 'noop', description: 'sends invoices to S3' });
    const transfer = await createTask({ name: 'Überweisung-Lauf', executor: 'noop', description: 'ÉTÉ' });
    const hourly = await createTask({ name: 'hourly_sync 100%', executor: 'noop', taskId: 'sync-crm-hourly' });
    const found = async (search: string) =>
      resultOf(await context.http.get<Page<TaskView>>(`/api/tasks?search=${encodeURIComponent(search)}&minPosition=${hourly.position}`)).items.map((item) => item.taskId);
    expect(await found('billing')).toEqual([nightly.taskId]);
    expect(await found('INVOICES')).toEqual([nightly.taskId]);
    expect(await found('crm-hour')).toEqual([hourly.taskId]);
    expect(await found('100%')).toEqual([hourly.taskId]);
    expect(await found('y_s')).toEqual([hourly.taskId]); // as LIKE would read it, "_" would match "ly " in "Nightly Billing" too
    expect(await found('nowhere at all')).toEqual([]);
    expect(await found('über')).toEqual([transfer.taskId]); // every letter's case, not ASCII's alone
    expect(await found('été')).toEqual([transfer.taskId]);
    // A position past the log's head is the caller's mistake, said so after the wait (it was UNAVAILABLE, logged as an error).
    const ahead = await context.http.get('/api/tasks?minPosition=99999999999');
    expect(ahead).toMatchObject({ status: 422, body: { error: { code: 'VALIDATION', message: expect.stringContaining("past the log's head"), details: { issues: [expect.objectContaining({ path: 'minPosition' })] } } } });
    const blank = await context.http.get('/api/tasks?search=%20');
    expect(blank).toMatchObject({ status: 422, body: { ok: false, error: { code: 'VALIDATION', details: { issues: [expect.objectContaining({ path: 'search' })] } } } });
  });

  it('lists the executor types a task may name, each with a line about it', async () => {
    const { items } = resultOf(await context.http.get<{ items: Array<{ type: string; description: string }> }>('/api/executors'));
    expect(items.map((item) => item.type)).toEqual(expect.arrayContaining(['command', 'example', 'http', 'manual', 'noop', 'sleep', 'workflow']));
    for (const item of items) expect(item.description).toMatch(/\w/);
    expect((await context.http.get('/api/executors?colour=red')).status).toBe(422);
  });

  it('shows the execution policy a task was given, as stored (intervals and timeouts in ms)', async () => {
    const { taskId, position } = await createTask({
      name: 'with a policy',
      executor: 'sleep',
      config: { duration: '1s' },
      retry: { maxAttempts: 5, backoff: 'exponential', initialInterval: '2s', maxInterval: '1m', nonRetryableErrorTypes: ['Bad'] },
      timeouts: { startToClose: '30s', heartbeat: '5s' },
      maxConcurrent: 2,
      overlap: 'skip',
      misfire: { policy: 'fire-all', catchupWindow: '10m' },
    });
    const task = resultOf(await context.http.get<TaskView>(`/api/tasks/${taskId}?minPosition=${position}`));
    expect(task).toMatchObject({
      maxRetries: 4,
      retryIntervalMs: 2000,
      retry: { maxAttempts: 5, backoff: 'exponential', initialIntervalMs: 2000, multiplier: 2, maxIntervalMs: 60_000, jitter: 0, nonRetryableErrorTypes: ['Bad'] },
      timeouts: { startToCloseMs: 30_000, heartbeatMs: 5000 },
      maxConcurrent: 2,
      overlap: 'skip',
      misfire: { policy: 'fire-all', catchupWindowMs: 600_000 },
    });
  });

  it('answers next fires of a task and previews schedules not saved yet', async () => {
    const { taskId } = await createTask({ name: 'every minute', executor: 'noop', schedules: [{ type: 'interval', every: '1m' }] });
    const fires = resultOf(await context.http.get<{ fires: unknown[]; active: boolean }>(`/api/tasks/${taskId}/next-fires?count=3`));
    expect(fires).toMatchObject({ taskId, active: true });
    expect(fires.fires).toHaveLength(3);
    const preview = resultOf(
      await context.http.post<{ fires: Array<{ at: string }> }>('/api/schedules/next-fires', {
        schedules: [{ type: 'cron', expression: '0 9 * * MON', timezone: 'Europe/Berlin' }],
        count: 2,
        after: '2030-01-01T00:00:00Z',
      }),
    );
    expect(preview.fires.map((fire) => fire.at)).toEqual(['2030-01-07T08:00:00.000Z', '2030-01-14T08:00:00.000Z']);
    const bad = await context.http.post('/api/schedules/next-fires', { schedules: [{ type: 'cron', expression: 'every day' }] });
    expect(bad.status).toBe(422);
    // A preview from now of a schedule that can never fire gets create's refusal, not an empty list.
    const past = await context.http.post('/api/schedules/next-fires', { schedules: [{ type: 'once', at: '2020-01-01T00:00:00Z' }] });
    expect([past.status, past.body]).toEqual([422, expect.objectContaining({ error: expect.objectContaining({ message: expect.stringContaining('has passed') }) })]);
  });

  it('backfills a range', async () => {
    const { taskId } = await createTask({ name: 'hourly', executor: 'noop', schedules: [{ type: 'interval', every: '1h' }] });
    const reply = await context.http.post<{ occurrences: number }>(`/api/tasks/${taskId}/backfill`, { from: '2020-01-01T00:00:00Z', to: '2020-01-01T03:00:00Z' });
    expect(reply.status).toBe(202);
    expect(resultOf(reply).occurrences).toBe(3);
  });

  it('reads a JSON body whatever its content type says (curl -d sends a form type) and says so when it is not JSON', async () => {
    const created = await context.http.raw<TaskCommandResult>('POST', '/api/tasks', JSON.stringify({ name: 'sent-as-form', executor: 'noop' }), FORM);
    expect(created.status).toBe(201);
    expect(resultOf(created).taskId).toEqual(expect.any(String));
    const form = await context.http.raw('POST', '/api/tasks', 'name=x&executor=noop', FORM);
    expect(form.body).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/^request body is not JSON \(the API takes JSON bodies\): /) } });
    // JSON, but no object: said so (the parser called null "not valid JSON").
    const nothing = await context.http.raw('POST', '/api/tasks', 'null');
    expect(nothing).toMatchObject({ status: 400, body: { ok: false, error: { code: 'BAD_REQUEST', message: 'request body must be a JSON object, got null' } } });
    // Nested deeper than MAX_JSON_DEPTH: 400 with the limit (30,000 levels took the gateway down with a stack overflow).
    for (const levels of [MAX_JSON_DEPTH + 1, 30_000]) {
      const deep = await context.http.raw('POST', '/api/tasks', `{"name":"deep","executor":"noop","config":{"a":${'['.repeat(levels)}${']'.repeat(levels)}}}`);
      expect(deep).toMatchObject({ status: 400, body: { ok: false, error: { code: 'BAD_REQUEST', details: { limit: 'MAX_JSON_DEPTH', max: MAX_JSON_DEPTH } } } });
    }
    // Over MAX_REQUEST_BYTES: 413 with the limit's details, as on NATS.
    const huge = await context.http.raw('POST', '/api/tasks', JSON.stringify({ name: 'x', executor: 'noop', description: 'y'.repeat(MAX_REQUEST_BYTES) }));
    expect(huge).toMatchObject({ status: 413, body: { ok: false, error: { code: 'BAD_REQUEST', details: { limit: 'MAX_REQUEST_BYTES', max: MAX_REQUEST_BYTES, actual: expect.any(Number) } } } });
    // Chunked, so with no length up front: what was read says how much at least (the message read "undefined bytes").
    const chunked = await requestWithHeaders(context.system.httpUrl, 'POST', '/api/tasks', { 'transfer-encoding': 'chunked' }, JSON.stringify({ name: 'x', executor: 'noop', description: 'y'.repeat(MAX_REQUEST_BYTES) }));
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body).error).toMatchObject({ message: expect.stringMatching(/over the limit of \d+ bytes \(MAX_REQUEST_BYTES\): \d+ read before stopping/), details: { atLeast: expect.any(Number) } });
  });

  it('holds its routes to the NATS contract: blank bodies are {}, a body the path id makes too large is 413, audit and rebuild check what they are given', async () => {
    const { taskId } = await createTask({ name: 'contract-edges', executor: 'manual' });
    expect(await context.http.raw('POST', `/api/tasks/${taskId}/pause`, '  \n')).toMatchObject({ status: 200, body: { ok: true } });
    // Within the HTTP limit, over it once the path's taskId is added to the command: 413 as for any body too large (was 400).
    const atLimit = JSON.stringify({ commandId: 'x'.repeat(100), payload: 'y'.repeat(MAX_REQUEST_BYTES - 150) });
    expect(Buffer.byteLength(atLimit)).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
    expect(await context.http.raw('POST', `/api/tasks/${taskId}/trigger`, atLimit)).toMatchObject({ status: 413, body: { error: { details: { limit: 'MAX_REQUEST_BYTES' } } } });
    expect(await context.http.get(`/api/tasks/${taskId}/audit?bogus=1`)).toMatchObject({ status: 422, body: { error: { code: 'VALIDATION' } } });
    expect(await context.http.get(`/api/tasks/${taskId}/audit`)).toMatchObject({ status: 200, body: { ok: true, result: { ok: true } } });
    expect(await context.http.post('/api/read-models/rebuild', { bogus: 1 })).toMatchObject({ status: 422, body: { error: { code: 'VALIDATION' } } });
  });

  it('refuses what a page of another site makes a browser send, and a request naming a host not its own (DNS rebinding): 403, nothing appended', async () => {
    const base = context.system.httpUrl;
    const head = await context.system.store.headPosition();
    // A cross-site no-cors fetch: text/plain needs no preflight, and bodies are read as JSON whatever their type.
    const attack = JSON.stringify({ name: 'csrf', executor: 'command', config: { argv: ['true'] } });
    const crossSite = await requestWithHeaders(base, 'POST', '/api/tasks', { origin: 'https://evil.example', 'content-type': 'text/plain;charset=UTF-8' }, attack);
    expect([crossSite.status, JSON.parse(crossSite.body).error.code]).toEqual([403, 'FORBIDDEN']);
    const rebound = await requestWithHeaders(base, 'GET', '/api/tasks', { host: `attacker.example:${new URL(base).port}` });
    expect([rebound.status, JSON.parse(rebound.body).error.message]).toEqual([403, expect.stringContaining('"attacker.example"')]);
    expect(await context.system.store.headPosition()).toBe(head);
    // The dashboard's own requests (same origin) go through, and no page may frame it.
    const own = await requestWithHeaders(base, 'POST', '/api/tasks', { origin: base, 'content-type': 'application/json' }, JSON.stringify({ name: 'same-origin', executor: 'noop' }));
    expect(own.status).toBe(201);
    expect(own.headers['x-frame-options']).toBe('DENY');
  });

  it('gives the NATS reply\'s error, mapped to an HTTP status, and appends nothing', async () => {
    const cases: Array<[string, () => Promise<{ status: number; body: unknown }>, number, string]> = [
      ['not JSON', () => context.http.raw('POST', '/api/tasks', '{not json'), 400, 'BAD_REQUEST'],
      ['a form body', () => context.http.raw('POST', '/api/tasks', 'name=x&executor=noop', FORM), 400, 'BAD_REQUEST'],
      ['not an object', () => context.http.post('/api/tasks', [1, 2]), 400, 'BAD_REQUEST'],
      ['a body that breaks the contract', () => context.http.post('/api/tasks', { name: 'x', executor: 'noop', schedules: [{ type: 'interval', every: '10ms' }] }), 422, 'VALIDATION'],
      ['an unknown executor', () => context.http.post('/api/tasks', { name: 'x', executor: 'teleport' }), 422, 'VALIDATION'],
      ['a heartbeat timeout on an executor that never heartbeats', () => context.http.post('/api/tasks', { name: 'x', executor: 'command', config: { argv: ['true'] }, timeouts: { heartbeat: '2s' } }), 422, 'VALIDATION'],
      ['a step with such a heartbeat timeout', () => context.http.post('/api/tasks', { name: 'x', executor: 'workflow', config: { steps: [{ id: 'a', executor: 'http', config: { url: 'http://127.0.0.1:1/' }, timeouts: { heartbeat: '2s' } }] } }), 422, 'VALIDATION'],
      ['a query field that is not a number', () => context.http.get('/api/tasks?limit=many'), 422, 'VALIDATION'],
      ['an unknown query field', () => context.http.get('/api/executions?colour=red'), 422, 'VALIDATION'],
      ['a range that ends before it starts', () => context.http.get('/api/executions?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z'), 422, 'VALIDATION'],
      ['an unknown task', () => context.http.get('/api/tasks/no-such-task'), 404, 'NOT_FOUND'],
      ['an unknown task to pause', () => context.http.post('/api/tasks/no-such-task/pause'), 404, 'NOT_FOUND'],
      ['a POST with its fields in the query string', () => context.http.post('/api/tasks/some-task/pause?until=2030-01-01T00:00:00Z'), 422, 'VALIDATION'],
      ['an unknown execution', () => context.http.get('/api/executions/nope@1'), 404, 'NOT_FOUND'],
      ['a bad instant', () => context.http.get('/api/tasks/some-task/as-of?at=yesterday'), 422, 'VALIDATION'],
      ['the state as of an instant of a task never recorded', () => context.http.get('/api/tasks/no-such-task/as-of?at=2030-01-01T00:00:00Z'), 404, 'NOT_FOUND'],
      ['an unknown route', () => context.http.get('/api/nothing-here'), 404, 'NOT_FOUND'],
      ['history backward after a cursor', () => context.http.get('/api/history?direction=backward&afterPosition=5'), 422, 'VALIDATION'],
      ['history of a mistyped event type', () => context.http.get('/api/history?types=TaskSucceeded,TaskSucceded'), 422, 'VALIDATION'],
      ['live events of an unknown type', () => context.http.get('/api/events?types=Finished'), 422, 'VALIDATION'],
      // An empty filter is no "no filter": the whole log (or every task) would answer a query for one task.
      ['history of an empty taskId', () => context.http.get('/api/history?taskId='), 422, 'VALIDATION'],
      ['executions of an empty taskId', () => context.http.get('/api/executions?taskId=&limit=5'), 422, 'VALIDATION'],
      ['tasks of an empty search', () => context.http.get('/api/tasks?search='), 422, 'VALIDATION'],
      ['live events of an empty taskId', () => context.http.get('/api/events?taskId='), 422, 'VALIDATION'],
    ];
    const taskCount = async () =>
      resultOf(await context.http.get<Page<TaskView>>(`/api/tasks?limit=500&minPosition=${await context.system.store.headPosition()}`)).items.length;
    const before = await taskCount();
    for (const [what, send, status, code] of cases) {
      const reply = await send();
      expect({ what, status: reply.status }).toEqual({ what, status });
      expect(reply.body).toMatchObject({ ok: false, error: { code, message: expect.any(String), details: expect.any(Object) } });
    }
    expect(await taskCount()).toBe(before);
  });

  it('answers with exactly the body the NATS reply has', async () => {
    const payload = { name: '', executor: 'noop', schedules: [{ type: 'interval', every: 'often' }] };
    const viaNats = await context.system.request(Subjects.cmd.taskCreate, payload);
    const viaHttp = await context.http.post('/api/tasks', payload);
    expect(viaHttp.status).toBe(422);
    expect(viaHttp.body).toEqual(viaNats);
  });

  it('refuses a second task with the same id with 409 CONFLICT', async () => {
    await createTask({ taskId: 'http-dup', name: 'one', executor: 'noop' });
    const second = await context.http.post('/api/tasks', { taskId: 'http-dup', name: 'two', executor: 'noop' });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });
});
