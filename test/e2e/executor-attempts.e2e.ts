import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { MAX_RESULT_BYTES, jsonBytes } from '@sched/contracts';
import { commitSequenceOf } from '@sched/event-store';
import { startTestSystem, type TestSystem } from '../support/system';
import { createTask, trigger, typesOf, waitForEnd } from '../support/executions';

const EXAMPLE_EXECUTOR = path.resolve(__dirname, '..', '..', 'examples', 'executors', 'checksum.executor.js');
const BIG_RESULT_EXECUTOR = path.resolve(__dirname, '..', 'support', 'big-result.executor.js');

/** Built-in executors, retries with backoff, timeouts, progress and logs, through the whole system. */
describe('executor attempts end to end', () => {
  let system: TestSystem;
  let server: http.Server;
  let base: string;
  const hits = new Map<string, number>();
  const blob = randomBytes(400 * 1024);

  beforeAll(async () => {
    // Answers /flaky/<n>/<id> with 503 n times per id, then 200; /status/<code> with that code.
    server = http.createServer((req, res) => {
      const url = req.url ?? '';
      hits.set(url, (hits.get(url) ?? 0) + 1);
      const big = /^\/big\/(\d+)$/.exec(url);
      if (big) return void res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(Number(big[1])));
      if (url === '/blob.bin') return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(blob);
      const flaky = /^\/flaky\/(\d+)\//.exec(url);
      const status = flaky ? (hits.get(url)! <= Number(flaky[1]) ? 503 : 200) : Number(/status\/(\d+)/.exec(url)?.[1] ?? 200);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status, hit: hits.get(url) }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    process.env.EXECUTOR_MODULES = `${EXAMPLE_EXECUTOR},${BIG_RESULT_EXECUTOR}`;
    system = await startTestSystem();
  });
  afterAll(async () => {
    delete process.env.EXECUTOR_MODULES;
    await system?.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const fastRetry = { maxAttempts: 3, backoff: 'fixed', initialInterval: '200ms' };

  it('http: 503, 503, 200 → retried with backoff and succeeds on the third attempt', async () => {
    const taskId = await createTask(system, { executor: 'http', config: { url: `${base}/flaky/2/a` }, retry: fastRetry });
    const events = await waitForEnd(system.store, await trigger(system, taskId));
    expect(typesOf(events)).toEqual([
      'TaskDue', 'TaskStarted', 'TaskFailed', 'TaskRetried', 'TaskStarted', 'TaskFailed', 'TaskRetried', 'TaskStarted', 'TaskSucceeded',
    ]);
    const [firstFailure, firstRetry] = [events[2], events[3]];
    expect(firstFailure.data).toMatchObject({ attempt: 1, final: false, error: { type: 'HttpError', retryable: true } });
    const retryAt = Date.parse((firstRetry.data as { retryAt: string }).retryAt);
    expect(retryAt - Date.parse((firstFailure.data as { endedAt: string }).endedAt)).toBe(200);
    expect(Date.parse((events[4].data as { startedAt: string }).startedAt)).toBeGreaterThanOrEqual(retryAt);
    expect(events[8].data).toMatchObject({ attempt: 3, result: { status: 200, body: { status: 200, hit: 3 } } });
  });

  it('http: a 404 is not retried, whatever the policy', async () => {
    const taskId = await createTask(system, { executor: 'http', config: { url: `${base}/status/404` }, retry: fastRetry });
    const events = await waitForEnd(system.store, await trigger(system, taskId));
    expect(typesOf(events)).toEqual(['TaskDue', 'TaskStarted', 'TaskFailed']);
    expect(events[2].data).toMatchObject({ final: true, error: { type: 'HttpError', retryable: false } });
  });

  it('a result too big to store fails the attempt at once, saying so; http bodies are cut to fit it', async () => {
    const capped = await createTask(system, { executor: 'http', config: { url: `${base}/big/3000000` } });
    const cappedEnd = (await waitForEnd(system.store, await trigger(system, capped))).at(-1)!;
    expect(cappedEnd).toMatchObject({ type: 'TaskSucceeded', data: { result: { status: 200, truncated: true } } });
    expect(((cappedEnd.data as { result: { body: string } }).result.body).length).toBe(512 * 1024);

    // Past the default cap, an http body is cut to fit MAX_RESULT_BYTES rather than failing the attempt for good.
    const cut = await createTask(system, { executor: 'http', config: { url: `${base}/big/1000000`, maxResponseBytes: 1_000_000 } });
    const cutEnd = (await waitForEnd(system.store, await trigger(system, cut))).at(-1)!;
    expect(cutEnd).toMatchObject({ type: 'TaskSucceeded', data: { result: { status: 200, truncated: true } } });
    expect(jsonBytes((cutEnd.data as { result: unknown }).result)).toBeLessThanOrEqual(MAX_RESULT_BYTES);

    // 400 KiB of random bytes decoded as UTF-8 and escaped made 968,751 bytes: ResultTooLarge, for good, on attempt 1.
    const binary = await createTask(system, { executor: 'http', config: { url: `${base}/blob.bin` }, retry: fastRetry });
    const binaryEnd = (await waitForEnd(system.store, await trigger(system, binary))).at(-1)!;
    expect(binaryEnd).toMatchObject({ type: 'TaskSucceeded', data: { attempt: 1, result: { bodyEncoding: 'base64', truncated: false } } });
    expect(Buffer.from((binaryEnd.data as { result: { body: string } }).result.body, 'base64').equals(blob)).toBe(true);

    const tooBig = await createTask(system, { executor: 'big-result', config: { bytes: 1_000_000 }, retry: fastRetry });
    const events = await waitForEnd(system.store, await trigger(system, tooBig), 10_000);
    expect(typesOf(events)).toEqual(['TaskDue', 'TaskStarted', 'TaskFailed']);
    expect(events[2].data).toMatchObject({
      final: true,
      error: { type: 'ResultTooLarge', retryable: false, message: expect.stringMatching(/^the result is 10000\d\d bytes as JSON, over MAX_RESULT_BYTES \(786432\)/) },
    });
  });

  it('the last allowed attempt fails finally', async () => {
    const taskId = await createTask(system, { executor: 'http', config: { url: `${base}/flaky/9/b` }, retry: { ...fastRetry, maxAttempts: 2 } });
    const events = await waitForEnd(system.store, await trigger(system, taskId));
    expect(typesOf(events)).toEqual(['TaskDue', 'TaskStarted', 'TaskFailed', 'TaskRetried', 'TaskStarted', 'TaskFailed']);
    expect(events.at(-1)!.data).toMatchObject({ attempt: 2, final: true });
  });

  it('command: stdout is the result, a failure keeps its logs on TaskFailed', async () => {
    const ok = await createTask(system, { executor: 'command', config: { argv: ['/bin/echo', 'hello'] } });
    const succeeded = (await waitForEnd(system.store, await trigger(system, ok))).at(-1)!;
    expect(succeeded).toMatchObject({ type: 'TaskSucceeded', data: { result: { exitCode: 0, stdout: 'hello\n' } } });

    const bad = await createTask(system, { executor: 'command', config: { argv: ['/bin/sh', '-c', 'echo oops >&2; exit 4'] }, maxRetries: 0 });
    const failed = (await waitForEnd(system.store, await trigger(system, bad))).at(-1)!;
    expect(failed.data).toMatchObject({ final: true, error: { type: 'CommandFailed', message: expect.stringContaining('code 4: oops') } });
    expect((failed.data as { logs: Array<{ message: string }> }).logs.map((line) => line.message)).toContain('exited with code 4');
  });

  it('an attempt with effects outside sched is recorded started before its code runs; a no-op start rides with its outcome', async () => {
    // A command's start is its own commit, before the command is spawned: a crash in between leaves TaskStarted without
    // an end (WorkerLost), never a run the log does not show. A no-op, which changes nothing anywhere, keeps the one commit.
    const command = await waitForEnd(system.store, await trigger(system, await createTask(system, { executor: 'command', config: { argv: ['/bin/true'] } })));
    const noop = await waitForEnd(system.store, await trigger(system, await createTask(system, { executor: 'noop' })));
    const commitOf = (events: typeof command, type: string) => commitSequenceOf(events.find((event) => event.type === type)!.position);
    expect(commitOf(command, 'TaskStarted')).toBeLessThan(commitOf(command, 'TaskSucceeded'));
    expect(commitOf(noop, 'TaskStarted')).toBe(commitOf(noop, 'TaskSucceeded'));
  });

  it('startToClose: TaskTimedOut, the attempt is aborted, then the retry policy applies', async () => {
    const taskId = await createTask(system, {
      executor: 'sleep',
      config: { duration: '5s', steps: 1 },
      timeouts: { startToClose: '300ms' },
      retry: { maxAttempts: 2, backoff: 'fixed', initialInterval: '100ms' },
    });
    const events = await waitForEnd(system.store, await trigger(system, taskId));
    expect(typesOf(events)).toEqual([
      'TaskDue', 'TaskStarted', 'TaskTimedOut', 'TaskFailed', 'TaskRetried', 'TaskStarted', 'TaskTimedOut', 'TaskFailed',
    ]);
    expect(events[2].data).toEqual({ attempt: 1, timeout: 'startToClose', timeoutMs: 300 });
    expect(events[7].data).toMatchObject({ attempt: 2, final: true, error: { type: 'Timeout' } });
    expect((events[3].data as { durationMs: number }).durationMs).toBeLessThan(2000);
  });

  it('heartbeat: an attempt silent for longer than the heartbeat timeout times out', async () => {
    const taskId = await createTask(system, { executor: 'sleep', config: { duration: '3s', steps: 1 }, timeouts: { heartbeat: '300ms' }, maxRetries: 0 });
    const events = await waitForEnd(system.store, await trigger(system, taskId));
    expect(events.find((event) => event.type === 'TaskTimedOut')?.data).toEqual({ attempt: 1, timeout: 'heartbeat', timeoutMs: 300 });
  });

  it('progress is throttled to at most 4 a second, the last one kept', async () => {
    const taskId = await createTask(system, { executor: 'sleep', config: { duration: '1s', steps: 100 } });
    const events = await waitForEnd(system.store, await trigger(system, taskId));
    const progress = events.filter((event) => event.type === 'TaskProgressed').map((event) => (event.data as { percent: number }).percent);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.length).toBeLessThanOrEqual(7);
    expect(progress.at(-1)).toBe(100);
    // The last progress and the success share one commit.
    const [last, succeeded] = events.slice(-2);
    expect([last.type, succeeded.type]).toEqual(['TaskProgressed', 'TaskSucceeded']);
    expect(succeeded.position - last.position).toBe(1);
  });

  it('a custom executor loaded by EXECUTOR_MODULES is accepted by the gateway and run by the executor', async () => {
    const file = path.resolve(__dirname, '..', '..', 'package.json');
    const refused = await system.request('sched.cmd.task.create', { name: 'x', executor: 'checksum', config: {} });
    expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const taskId = await createTask(system, { executor: 'checksum', config: { path: file } });
    const events = await waitForEnd(system.store, await trigger(system, taskId));
    expect(events.at(-1)).toMatchObject({ type: 'TaskSucceeded', data: { result: { path: file, algorithm: 'sha256' } } });
  });

  it('manual: runs when triggered', async () => {
    const taskId = await createTask(system, { executor: 'manual', config: { result: { approved: true } } });
    const events = await waitForEnd(system.store, await trigger(system, taskId));
    expect(events.at(-1)).toMatchObject({ type: 'TaskSucceeded', data: { result: { approved: true } } });
  });
});
