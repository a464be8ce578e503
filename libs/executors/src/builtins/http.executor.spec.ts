import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpExecutor, type HttpResult } from './http.executor';
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

  it('an aborted attempt stops the request', async () => {
    const run = runExecutor(httpExecutor, { url: `${base}/hang` });
    setTimeout(() => run.controller.abort(), 50);
    await expect(run.result).rejects.toMatchObject({ type: 'Aborted', retryable: false });
  });

  it('cuts a long body at maxResponseBytes', async () => {
    const { result } = runExecutor<HttpResult>(httpExecutor, { url: `${base}/big`, maxResponseBytes: 10 });
    await expect(result).resolves.toMatchObject({ status: 200, body: 'xxxxxxxxxx', truncated: true });
  });

  it('refuses a non-http url and an unknown method', () => {
    expect(httpExecutor.configSchema.safeParse({ url: 'file:///etc/passwd' }).success).toBe(false);
    expect(httpExecutor.configSchema.safeParse({ url: `${base}/`, method: 'BREW' }).success).toBe(false);
  });
});
