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
