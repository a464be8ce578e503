import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FETCH_BAD_PORTS, httpExecutor, type HttpResult } from './http.executor';
import { runExecutor } from '../testing/run-executor';

/** A local server whose routes answer with a status, or hang (for timeouts). */
describe('http executor', () => {
  let server: http.Server;
  let base: string;
  const seen: Array<{ method?: string; url?: string; body: string; headers: http.IncomingHttpHeaders }> = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, body, headers: req.headers });
        const status = Number(/status\/(\d+)/.exec(req.url ?? '')?.[1] ?? 200);
        if (req.url === '/hang') return; // never answers
        if (req.url === '/hang-body') return res.writeHead(200, { 'content-type': 'text/plain' }).write('the start'); // never ends
        if (req.url === '/big') return res.end('x'.repeat(1000));
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ echo: body, status }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends method, headers and a JSON body; a 2xx response is the result (JSON parsed)', async () => {
    const config = { method: 'POST', url: `${base}/status/201`, headers: { 'x-token': 'abc' }, body: { a: 1 } };
    const { result } = runExecutor<HttpResult>(httpExecutor, config);
    await expect(result).resolves.toEqual({ status: 201, contentType: 'application/json', body: { echo: '{"a":1}', status: 201 }, truncated: false });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', headers: { 'x-token': 'abc', 'content-type': 'application/json' } });
  });

  it('5xx is a retryable HttpError', async () => {
    const { result } = runExecutor(httpExecutor, { url: `${base}/status/503` });
    await expect(result).rejects.toMatchObject({ type: 'HttpError', retryable: true, message: expect.stringContaining('HTTP 503') });
  });

  it.each([400, 404, 422])('%i is not retryable', async (status) => {
    const { result } = runExecutor(httpExecutor, { url: `${base}/status/${status}` });
    await expect(result).rejects.toMatchObject({ type: 'HttpError', retryable: false });
  });

  it('429 and 408 are retryable', async () => {
    await expect(runExecutor(httpExecutor, { url: `${base}/status/429` }).result).rejects.toMatchObject({ retryable: true });
    await expect(runExecutor(httpExecutor, { url: `${base}/status/408` }).result).rejects.toMatchObject({ retryable: true });
  });

  it('a network error is retryable', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const { result } = runExecutor(httpExecutor, { url: `http://127.0.0.1:${port}/` });
    await expect(result).rejects.toMatchObject({ type: 'NetworkError', retryable: true });
  });

  it('no response within the timeout is a retryable Timeout', async () => {
    const { result } = runExecutor(httpExecutor, { url: `${base}/hang`, timeout: '200ms' });
    await expect(result).rejects.toMatchObject({ type: 'Timeout', retryable: true });
  });

  it('a body not complete within the timeout is the same retryable Timeout (it was a TimeoutError, past nonRetryableErrorTypes)', async () => {
    const { result } = runExecutor(httpExecutor, { url: `${base}/hang-body`, timeout: '300ms' });
    await expect(result).rejects.toMatchObject({ type: 'Timeout', retryable: true, message: 'no complete response within 300ms' });
  });

  it('an aborted attempt stops the request', async () => {
    const run = runExecutor(httpExecutor, { url: `${base}/hang` });
    setTimeout(() => run.controller.abort(), 50);
    await expect(run.result).rejects.toMatchObject({ type: 'Aborted', retryable: false });
  });

  it('cuts a long body at maxResponseBytes', async () => {
    const { result } = runExecutor<HttpResult>(httpExecutor, { url: `${base}/big`, maxResponseBytes: 10 });
    await expect(result).resolves.toMatchObject({ status: 200, body: 'xxxxxxxxxx', truncated: true });
  });

  describe('refuses on create what fetch would refuse at every attempt, naming the field', () => {
    const issuesOf = (config: Record<string, unknown>) => {
      const parsed = httpExecutor.configSchema.safeParse({ url: `${base}/`, ...config });
      return parsed.success ? [] : parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    };

    it.each([
      ['a header name with a space', { headers: { 'bad header': 'x' } }, 'headers.bad header'],
      ['a header value with a line break', { headers: { 'x-a': 'b\r\nx-injected: 1' } }, 'headers.x-a'],
      ['a body on a GET (the default method)', { body: { a: 1 } }, 'body'],
      ['a body on a HEAD', { method: 'HEAD', body: 'x' }, 'body'],
      ['a port fetch refuses', { url: 'http://127.0.0.1:1/' }, 'url'],
    ])('%s', (_, config, path) => {
      expect(issuesOf(config)).toEqual([{ path, message: expect.any(String) }]);
    });

    it('takes what fetch sends: a body on POST, a usual header, a usual port', () => {
      expect(issuesOf({ method: 'POST', body: { a: 1 }, headers: { authorization: 'Bearer ${secret:API_TOKEN}' }, url: 'http://127.0.0.1:8080/' })).toEqual([]);
    });

    it('every port it refuses as a bad port, fetch refuses too (0 only in later editions of the list)', async () => {
      for (const port of [...FETCH_BAD_PORTS].filter((port) => port !== 0)) {
        const failure = await fetch(`http://127.0.0.1:${port}/`).catch((error: { cause?: unknown }) => String(error.cause));
        expect([port, failure]).toEqual([port, expect.stringContaining('bad port')]);
      }
    });
  });

  it('refuses a non-http url and an unknown method', () => {
    expect(httpExecutor.configSchema.safeParse({ url: 'file:///etc/passwd' }).success).toBe(false);
    expect(httpExecutor.configSchema.safeParse({ url: 'not a url', headers: null }).error?.issues.map((issue) => issue.path)).toEqual([['url'], ['headers']]);
    expect(httpExecutor.configSchema.safeParse({ url: `${base}/`, method: 'BREW' }).success).toBe(false);
  });
});
