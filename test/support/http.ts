import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { Reply } from '@sched/contracts';

export interface HttpReply<T = unknown> {
  readonly status: number;
  readonly body: Reply<T>;
  readonly headers: Headers;
}

/** A small JSON client for the gateway's HTTP API: `http.post('/api/tasks', {...})` → status and parsed reply. */
export function httpClient(baseUrl: string, token?: string) {
  const send = async <T>(method: string, path: string, body?: unknown, raw?: string, contentType = 'application/json'): Promise<HttpReply<T>> => {
    const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}) };
    if (body !== undefined || raw !== undefined) headers['content-type'] = contentType;
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`${method} ${path}: ${response.status}, not JSON: ${text.slice(0, 200)}`);
    }
    return { status: response.status, body: parsed as Reply<T>, headers: response.headers };
  };
  return {
    get: <T = unknown>(path: string) => send<T>('GET', path),
    post: <T = unknown>(path: string, body?: unknown) => send<T>('POST', path, body),
    patch: <T = unknown>(path: string, body?: unknown) => send<T>('PATCH', path, body),
    delete: <T = unknown>(path: string) => send<T>('DELETE', path),
    /** Sends the body bytes as they are (not-JSON bodies), as JSON unless another content type is given. */
    raw: <T = unknown>(method: string, path: string, body: string, contentType?: string) => send<T>(method, path, undefined, body, contentType),
  };
}

/** The result of an ok reply, or a failure naming the error. */
export function resultOf<T>(reply: HttpReply<T>): T {
  if (!reply.body.ok) throw new Error(`HTTP ${reply.status}: ${JSON.stringify(reply.body.error)}`);
  return reply.body.result;
}

/** One request with exactly these headers (fetch will not send a Host or Origin of the caller's choosing). */
export function requestWithHeaders(baseUrl: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(new URL(path, baseUrl), { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    request.on('error', reject);
    request.end(body);
  });
}
