import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_RESULT_BYTES, jsonBytes } from '@sched/contracts';
import { FETCH_BAD_PORTS, httpExecutor, type HttpResult } from './http.executor';
import { runExecutor } from '../testing/run-executor';

/** A local server whose routes answer with a status, or hang (for timeouts). */
describe('http executor', () => {
  let server: http.Server;
  let base: string;
  const seen: Array<{ method?: string; url?: string; body: string; headers: http.IncomingHttpHeaders }> = [];
  /** Bodies served as they are at /raw/<name>, with their content type (none when undefined). */
  const raw = new Map<string, { bytes: Buffer; type?: string; status?: number }>();

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
        const served = raw.get(req.url?.replace(/^\/raw\//, '') ?? '');
        if (served) return res.writeHead(served.status ?? 200, served.type ? { 'content-type': served.type } : {}).end(served.bytes);
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

  describe('any body, whatever its bytes, makes a result within MAX_RESULT_BYTES with the defaults', () => {
    const serve = (name: string, bytes: Buffer, type?: string, status?: number): string => {
      raw.set(name, { bytes, type, status });
      return `${base}/raw/${name}`;
    };
    const fetched = async (url: string, config: Record<string, unknown> = {}): Promise<HttpResult> => {
      const result = await runExecutor<HttpResult>(httpExecutor, { url, ...config }).result;
      expect(jsonBytes(result)).toBeLessThanOrEqual(MAX_RESULT_BYTES);
      return result;
    };
    const bytesOf = (result: HttpResult): Buffer => Buffer.from(result.body as string, 'base64');

    it('400 KiB of random bytes: whole, as base64 (the UTF-8 decoding of them made 968,751 bytes of JSON)', async () => {
      const blob = randomBytes(400 * 1024);
      const result = await fetched(serve('blob.bin', blob, 'application/octet-stream'));
      expect(result).toMatchObject({ status: 200, contentType: 'application/octet-stream', bodyEncoding: 'base64', truncated: false });
      expect(bytesOf(result).equals(blob)).toBe(true);
    });

    it('5 MB of random bytes: cut at maxResponseBytes, whole as far as it goes, as base64', async () => {
      const blob = randomBytes(5_000_000);
      const result = await fetched(serve('five-mb.bin', blob));
      expect(result).toMatchObject({ bodyEncoding: 'base64', truncated: true });
      expect(bytesOf(result).equals(blob.subarray(0, 512 * 1024))).toBe(true);
    });

    it('binary past what base64 of it fits: cut so that it fits, marked truncated', async () => {
      const blob = randomBytes(700 * 1024);
      const result = await fetched(serve('seven-hundred.bin', blob, 'image/png'), { maxResponseBytes: 1024 * 1024 });
      expect(result).toMatchObject({ bodyEncoding: 'base64', truncated: true });
      const kept = bytesOf(result);
      expect(kept.length).toBeGreaterThan(MAX_RESULT_BYTES * 0.74);
      expect(kept.equals(blob.subarray(0, kept.length))).toBe(true);
    });

    it.each([
      ['600k quotes', '"'.repeat(600_000)],
      ['600k line breaks', '\n'.repeat(600_000)],
      ['512 KiB of control characters (6 bytes each as \\u00XX)', '\u0001'.repeat(512 * 1024)],
    ])('%s as text: kept as text, cut where its escaped form would not fit, marked truncated', async (_, text) => {
      const result = await fetched(serve(`escapes-${text.length}-${text.charCodeAt(0)}`, Buffer.from(text), 'text/plain; charset=utf-8'));
      expect(result.bodyEncoding).toBeUndefined();
      expect(result.truncated).toBe(true);
      expect(text.startsWith(result.body as string)).toBe(true);
      expect(jsonBytes(result)).toBeGreaterThan(MAX_RESULT_BYTES - 8);
    });

    it('a JSON body whose parsed form would not fit (1E5 is 100000) is kept as its text', async () => {
      const text = `[${Array(130_000).fill('1E5').join(',')}]`;
      const result = await fetched(serve('numbers.json', Buffer.from(text), 'application/json'));
      expect(result).toMatchObject({ body: text, truncated: false });
    });

    it('bytes that are not UTF-8 in a text type are carried as base64, not replaced with U+FFFD', async () => {
      const bytes = Buffer.from([0x63, 0x61, 0x66, 0xe9]); // "café" in Latin-1
      const result = await fetched(serve('latin1-as-utf8.txt', bytes, 'text/plain'));
      expect(result).toMatchObject({ bodyEncoding: 'base64', truncated: false });
      expect(bytesOf(result).equals(bytes)).toBe(true);
    });

    it('text in the charset its type names is decoded from it', async () => {
      const result = await fetched(serve('latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9]), 'text/plain; charset=ISO-8859-1'));
      expect(result).toEqual({ status: 200, contentType: 'text/plain; charset=ISO-8859-1', body: 'café', truncated: false });
    });

    it('a type that is not text is base64 even when its bytes are UTF-8; without a type, the bytes decide', async () => {
      expect(await fetched(serve('png', Buffer.from('hello'), 'image/png'))).toMatchObject({ body: 'aGVsbG8=', bodyEncoding: 'base64' });
      expect(await fetched(serve('untyped-text', Buffer.from('hello')))).toEqual({ status: 200, body: 'hello', truncated: false });
      expect(await fetched(serve('untyped-binary', Buffer.from([0xff, 0x00])))).toMatchObject({ body: '/wA=', bodyEncoding: 'base64' });
      expect(await fetched(serve('problem', Buffer.from('{"a":1}'), 'application/problem+json'))).toMatchObject({ body: { a: 1 } });
    });

    it('a text cut at maxResponseBytes inside a character ends before it (it ended in U+FFFD)', async () => {
      const result = await fetched(serve('accents.txt', Buffer.from('é'.repeat(10)), 'text/plain'), { maxResponseBytes: 5 });
      expect(result).toMatchObject({ body: 'éé', truncated: true });
      expect(result.bodyEncoding).toBeUndefined();
    });

    it('an error response that is not text says its size rather than quoting bytes', async () => {
      const { result } = runExecutor(httpExecutor, { url: serve('error.bin', Buffer.from([0xff, 0xfe, 0x00]), 'application/octet-stream', 500) });
      await expect(result).rejects.toMatchObject({ type: 'HttpError', message: 'HTTP 500 Internal Server Error: (3 bytes, not text)' });
    });
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
