import { z } from 'zod';
import { ExecutorError, type ExecutionContext, type TaskExecutor } from '../task-executor';
import { durationMsField } from './duration-config';

const httpConfigSchema = z
  .object({
    method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
    url: z.url({ protocol: /^https?$/, error: 'url must be an http(s) URL' }),
    headers: z.record(z.string(), z.string()).default({}),
    /** A string is sent as is; anything else as JSON (with a JSON content type unless one is set). */
    body: z.unknown().optional(),
    timeout: durationMsField('timeout', 100, 3_600_000).default(30_000),
    /** Response bodies longer than this are cut (and marked truncated). */
    // The body is the result: 512 KiB by default stays under MAX_RESULT_BYTES (a bigger result fails the attempt).
    maxResponseBytes: z.number().int().min(0).max(10 * 1024 * 1024).default(512 * 1024),
  })
  .strict();
type HttpConfig = z.output<typeof httpConfigSchema>;

export interface HttpResult {
  readonly status: number;
  readonly contentType?: string;
  readonly body: unknown;
  readonly truncated: boolean;
}

/** Client errors a later attempt may not repeat: Request Timeout and Too Many Requests. */
const RETRYABLE_4XX = new Set([408, 429]);

function requestInit(config: HttpConfig, signal: AbortSignal): RequestInit {
  const headers = new Headers(config.headers);
  let body: string | undefined;
  if (config.body !== undefined) {
    body = typeof config.body === 'string' ? config.body : JSON.stringify(config.body);
    if (typeof config.body !== 'string' && !headers.has('content-type')) headers.set('content-type', 'application/json');
  }
  return { method: config.method, headers, body, signal, redirect: 'follow' };
}

async function readCapped(response: Response, capBytes: number): Promise<{ text: string; truncated: boolean }> {
  if (!response.body) return { text: '', truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
    if (size > capBytes) {
      await reader.cancel();
      return { text: Buffer.concat(chunks).subarray(0, capBytes).toString('utf8'), truncated: true };
    }
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated: false };
}

function parseBody(text: string, contentType: string | undefined, truncated: boolean): unknown {
  if (truncated || !contentType?.includes('json')) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function call({ config, signal, logger }: ExecutionContext<HttpConfig>): Promise<HttpResult> {
  const timeout = AbortSignal.timeout(config.timeout);
  let response: Response;
  try {
    response = await fetch(config.url, requestInit(config, AbortSignal.any([signal, timeout])));
  } catch (error) {
    if (timeout.aborted) throw new ExecutorError(`no response within ${config.timeout}ms`, 'Timeout', true);
    if (signal.aborted) throw new ExecutorError('request aborted', 'Aborted', false);
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new ExecutorError(`${config.method} ${config.url} failed: ${cause?.code ?? cause?.message ?? String(error)}`, 'NetworkError', true);
  }
  const contentType = response.headers.get('content-type') ?? undefined;
  const { text, truncated } = await readCapped(response, config.maxResponseBytes);
  logger.info(`${config.method} ${config.url} → ${response.status}`);
  if (response.status >= 400) {
    const retryable = response.status >= 500 || RETRYABLE_4XX.has(response.status);
    const excerpt = text.length > 300 ? `${text.slice(0, 300)}…` : text;
    throw new ExecutorError(`HTTP ${response.status} ${response.statusText}${excerpt ? `: ${excerpt}` : ''}`, 'HttpError', retryable);
  }
  return { status: response.status, ...(contentType ? { contentType } : {}), body: parseBody(text, contentType, truncated), truncated };
}

/** One HTTP request; 5xx, 408, 429, timeouts and network errors are retryable, other 4xx are not. */
export const httpExecutor: TaskExecutor<HttpConfig> = {
  type: 'http',
  description: 'Sends an HTTP request (method, url, headers, body, timeout); the response is the result.',
  configSchema: httpConfigSchema as unknown as z.ZodType<HttpConfig>,
  execute: call,
  neverPauses: true,
};
