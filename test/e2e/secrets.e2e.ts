import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Subjects, type TaskView } from '@sched/contracts';
import { createTask, trigger, waitForEnd } from '../support/executions';
import { startTestSystem, type TestSystem } from '../support/system';

/**
 * `${secret:NAME}` in a task's config: the executor substitutes SCHED_SECRET_NAME of its own environment when the
 * attempt runs; the value never enters the event log, and is masked in what the attempt leaves behind.
 */
describe('secrets in task configs (e2e)', () => {
  const token = `tok-${randomUUID()}`;
  let system: TestSystem;
  let server: Server;
  let received: string[] = [];
  let serverUrl = '';

  beforeAll(async () => {
    process.env.SCHED_SECRET_E2E_TOKEN = token; // the executor runs in this process
    server = createServer((request, response) => {
      received.push(request.headers.authorization ?? '');
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ youSent: request.headers.authorization }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/whoami`;
    system = await startTestSystem();
  });
  afterAll(async () => {
    await system?.close();
    await new Promise((resolve) => server?.close(resolve));
    delete process.env.SCHED_SECRET_E2E_TOKEN;
  });

  const everyEventText = async (): Promise<string> => {
    const texts: string[] = [];
    for await (const event of system.store.readAll()) texts.push(JSON.stringify(event));
    return texts.join('\n');
  };

  it('an http header gets the value; the response that echoes it is recorded masked; the task keeps the reference', async () => {
    received = [];
    const taskId = await createTask(system, { name: 'calls an api', executor: 'http', config: { url: serverUrl, headers: { authorization: 'Bearer ${secret:E2E_TOKEN}' } } });
    const events = await waitForEnd(system.store, await trigger(system, taskId));
    expect(received).toEqual([`Bearer ${token}`]);
    expect(events.at(-1)).toMatchObject({ type: 'TaskSucceeded', data: { result: { status: 200, body: { youSent: 'Bearer ***' } } } });
    const task = await system.request<TaskView>(Subjects.query.taskGet, { taskId, minPosition: await system.store.headPosition() });
    expect(task).toMatchObject({ ok: true, result: { config: { headers: { authorization: 'Bearer ${secret:E2E_TOKEN}' } } } });
  });

  it("a command's environment gets it; its output, error and log lines are recorded masked", async () => {
    const taskId = await createTask(system, {
      name: 'prints its token',
      executor: 'command',
      config: { argv: ['/bin/sh', '-c', 'echo "token is $TOKEN"; echo "bad $TOKEN" >&2; exit 3'], env: { TOKEN: '${secret:E2E_TOKEN}' } },
      maxRetries: 0,
    });
    const events = await waitForEnd(system.store, await trigger(system, taskId));
    const failed = events.at(-1)!;
    expect(failed).toMatchObject({ type: 'TaskFailed', data: { error: { type: 'CommandFailed', message: expect.stringContaining('bad ***') } } });
    expect(JSON.stringify(failed.data)).toContain('token is ***');
    expect(await everyEventText()).not.toContain(token);
  });

  it('a secret cut in two by the tail of stderr kept in the error is masked all the same', async () => {
    // 495 characters after it: the last 500 of stderr begin inside the secret (its last 5 characters).
    const taskId = await createTask(system, {
      name: 'cut secret',
      executor: 'command',
      config: { argv: ['/bin/sh', '-c', 'printf %s "$TOKEN" >&2; printf "%0495d" 0 >&2; exit 1'], env: { TOKEN: '${secret:E2E_TOKEN}' } },
      maxRetries: 0,
    });
    const failed = (await waitForEnd(system.store, await trigger(system, taskId))).at(-1)!;
    const message = (failed.data as { error: { message: string } }).error.message;
    expect(message).toMatch(/: …\*\*\*0{495}$/);
    expect(await everyEventText()).not.toContain(`…${token.slice(-5)}`);
  });

  it('a secret this executor does not have fails the attempt for good, naming it and where it is looked for', async () => {
    const taskId = await createTask(system, { name: 'needs a missing secret', executor: 'command', config: { argv: ['echo', '${secret:NOT_SET_ANYWHERE}'] }, maxRetries: 3 });
    const events = await waitForEnd(system.store, await trigger(system, taskId));
    expect(events.map((event) => event.type)).toEqual(['TaskDue', 'TaskStarted', 'TaskFailed']);
    expect(events.at(-1)).toMatchObject({
      data: { final: true, error: { type: 'SecretNotFound', retryable: false, message: 'no value for ${secret:NOT_SET_ANYWHERE} in this executor (set SCHED_SECRET_NOT_SET_ANYWHERE)' } },
    });
    expect(await everyEventText()).not.toContain(token);
  });
});
