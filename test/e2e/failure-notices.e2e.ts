import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Subjects } from '@sched/contracts';
import { main } from '../../apps/schedctl/src/cli';
import { createTask, historyOf, trigger, typesOf, waitForEnd } from '../support/executions';
import { startTestSystem, type TestSystem } from '../support/system';

interface Received {
  readonly path: string;
  readonly authorization?: string;
  readonly body: Record<string, unknown>;
}

/** A task's `notify`: each execution that fails for good is announced by an HTTP POST, recorded as an execution. */
describe('failure notices (e2e)', () => {
  let system: TestSystem;
  let server: Server;
  let base = '';
  const received: Received[] = [];
  let failuresLeft = 0; // answers to /flaky that are 500s

  beforeAll(async () => {
    process.env.SCHED_SECRET_E2E_HOOK = 'hook-token';
    server = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        received.push({ path: request.url ?? '', authorization: request.headers.authorization, body: JSON.parse(text || '{}') as Record<string, unknown> });
        response.statusCode = request.url === '/flaky' && failuresLeft-- > 0 ? 500 : 204;
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    system = await startTestSystem();
  });
  afterAll(async () => {
    await system?.close();
    await new Promise((resolve) => server?.close(resolve));
    delete process.env.SCHED_SECRET_E2E_HOOK;
  });

  it('a failure for good is POSTed (with a secret header) as an execution of its own; successes and retried failures are not', async () => {
    const notify = { url: `${base}/hook`, headers: { authorization: 'Bearer ${secret:E2E_HOOK}' } };
    const fine = await createTask(system, { name: 'fine', executor: 'noop', notify });
    const succeeded = await trigger(system, fine);
    await waitForEnd(system.store, succeeded);
    const failing = await createTask(system, { name: 'fails', executor: 'command', config: { argv: ['/bin/sh', '-c', 'exit 3'] }, maxRetries: 0, notify });
    const failed = await trigger(system, failing);
    await waitForEnd(system.store, failed);

    const notice = await waitForEnd(system.store, `${failed}:notify`);
    expect(typesOf(notice)).toEqual(['TaskDue', 'TaskStarted', 'TaskSucceeded']);
    expect(notice[0]).toMatchObject({ data: { taskId: `${failing}:notify`, executor: 'http', reason: 'notification', config: { headers: { authorization: 'Bearer ${secret:E2E_HOOK}' } } } });
    expect(received).toEqual([
      {
        path: '/hook',
        authorization: 'Bearer hook-token',
        body: expect.objectContaining({ event: 'execution.failed', taskId: failing, executionId: failed, attempt: 1, error: expect.objectContaining({ type: 'CommandFailed' }) }),
      },
    ]);
    // Notices are recorded in log order: the earlier success had none.
    expect(await historyOf(system.store, `${succeeded}:notify`)).toEqual([]);
  });

  it('a notice whose endpoint fails is retried; an execution that fails and then succeeds has none', async () => {
    received.length = 0;
    failuresLeft = 1;
    const marker = `/tmp/sched-notice-${process.pid}-${Date.now()}`;
    const flakyTask = await createTask(system, {
      name: 'fails once',
      executor: 'command',
      config: { argv: ['/bin/sh', '-c', `if [ -f ${marker} ]; then exit 0; else touch ${marker}; exit 1; fi`] },
      retry: { maxAttempts: 2, backoff: 'fixed', initialInterval: '100ms' },
      notify: { url: `${base}/flaky` },
    });
    const recovered = await trigger(system, flakyTask);
    expect(typesOf(await waitForEnd(system.store, recovered)).at(-1)).toBe('TaskSucceeded');
    const broken = await createTask(system, { name: 'always fails', executor: 'command', config: { argv: ['/bin/false'] }, maxRetries: 0, notify: { url: `${base}/flaky` } });
    const failed = await trigger(system, broken);
    const notice = await waitForEnd(system.store, `${failed}:notify`, 15_000);
    expect(typesOf(notice)).toEqual(['TaskDue', 'TaskStarted', 'TaskFailed', 'TaskRetried', 'TaskStarted', 'TaskSucceeded']);
    expect(received.map((call) => [call.path, call.body.executionId])).toEqual([['/flaky', failed], ['/flaky', failed]]);
    expect(await historyOf(system.store, `${recovered}:notify`)).toEqual([]);
  });

  it('a failure that quotes a secret reference is announced with the text, never the secret', async () => {
    received.length = 0;
    const quoting = await createTask(system, {
      name: 'quotes a reference',
      executor: 'command',
      // Escaped ($$): the command gets the text, not the secret, and quotes it in its error.
      config: { argv: ['/bin/sh', '-c', "echo 'no such $${secret:E2E_HOOK}' >&2; exit 1"] },
      maxRetries: 0,
      notify: { url: `${base}/hook` },
    });
    const failed = await trigger(system, quoting);
    expect(typesOf(await waitForEnd(system.store, `${failed}:notify`))).toEqual(['TaskDue', 'TaskStarted', 'TaskSucceeded']);
    const message = (received[0]?.body.error as { message: string }).message;
    expect(message).toContain('no such ${secret:E2E_HOOK}');
    expect(JSON.stringify(received)).not.toContain('hook-token');
  });

  it('schedctl sets it with --notify-url and shows it on task get', async () => {
    let out = '';
    const io = { out: (text: string) => void (out += text), err: (text: string) => void (out += text), interactive: false };
    const url = `${base}/from-cli`;
    expect(await main(['--url', system.nats.url, 'task', 'create', '--name', 'cli notify', '--executor', 'noop', '--notify-url', url], io)).toBe(0);
    out = '';
    expect(await main(['--url', system.nats.url, 'task', 'get', 'cli notify'], io)).toBe(0);
    expect(out).toMatch(new RegExp(`^on failure:\\s+POST a notice to ${url.replace(/[.]/g, '\\.')}$`, 'm'));
    // An update of the URL keeps the task's notice headers.
    await createTask(system, { name: 'with headers', executor: 'noop', notify: { url, headers: { authorization: 'Bearer ${secret:E2E_HOOK}' } } });
    expect(await main(['--url', system.nats.url, 'task', 'update', 'with headers', '--notify-url', `${base}/moved`], io)).toBe(0);
    out = '';
    expect(await main(['--url', system.nats.url, '--json', 'task', 'get', 'with headers'], io)).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ notify: { url: `${base}/moved`, headers: { authorization: 'Bearer ${secret:E2E_HOOK}' } } });
    // A notice is listed under its task's name.
    out = '';
    expect(await main(['--url', system.nats.url, 'exec', 'list', '--status', 'succeeded', '--limit', '500'], io)).toBe(0);
    expect(out).toMatch(/:notify\s+fails › notify\s+succeeded/);
    // And found as lists name them: a task's notices across its executions, and their stats.
    out = '';
    expect(await main(['--url', system.nats.url, 'exec', 'list', '--task', 'fails:notify'], io)).toBe(0);
    expect(out).toMatch(/:notify\s+fails › notify\s+succeeded/);
    out = '';
    expect(await main(['--url', system.nats.url, 'stats', 'fails:notify'], io)).toBe(0);
    expect(out).toMatch(/^succeeded:\s+1$/m);
  });

  it('refuses a notify that is not an http(s) URL, appending nothing', async () => {
    const before = await system.store.headPosition();
    const reply = await system.request(Subjects.cmd.taskCreate, { name: 'bad notify', executor: 'noop', notify: { url: 'ftp://example.com/x' } });
    expect(reply).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringContaining('notify.url must be an http(s) URL') } });
    expect(await system.store.headPosition()).toBe(before);
  });
});
