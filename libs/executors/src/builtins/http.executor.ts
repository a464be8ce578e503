import { z } from 'zod';
import { MAX_RESULT_BYTES, jsonBytes } from '@sched/contracts';
import { ExecutorError, type ExecutionContext, type TaskExecutor } from '../task-executor';
import { durationMsField } from './duration-config';
import { cutToJsonBytes } from './json-fit';

/**
 * Ports fetch refuses to connect to ("bad port", the Fetch standard's list, as Node's fetch has it; 0 from its later
 * editions): refused with the config rather than failing every attempt.
 */
export const FETCH_BAD_PORTS: ReadonlySet<number> = new Set([
  0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117,
  119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636,
  989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/** What fetch would refuse before sending anything, found on create: each issue names its field. */
function requestIssues(config: { method: string; url: string; headers: Record<string, string>; body?: unknown }, ctx: z.RefinementCtx): void {
  // Refinements run on a config with issues too: a url that is not one has its issue already.
  const port = URL.canParse(config.url) ? new URL(config.url).port : '';
  if (port !== '' && FETCH_BAD_PORTS.has(Number(port))) {
    ctx.addIssue({ code: 'custom', path: ['url'], message: `port ${port} is one fetch refuses to connect to (a "bad port": another protocol's)` });
  }
  for (const [name, value] of Object.entries(config.headers ?? {})) {
    try {
      new Headers([[name, value]]); // the check fetch makes, so that none passes here that it would refuse
    } catch {
      ctx.addIssue({ code: 'custom', path: ['headers', name], message: 'not a valid header: a name is a token (letters, digits, !#$%&\'*+-.^_`|~, no spaces), a value has no line break or NUL' });
    }
  }
  if (config.body !== undefined && (config.method === 'GET' || config.method === 'HEAD')) {
    ctx.addIssue({ code: 'custom', path: ['body'], message: `a ${config.method} request has no body: set method (e.g. "POST"), or remove body` });
  }
}

const httpConfigSchema = z
  .object({
    method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
    url: z.url({ protocol: /^https?$/, error: 'url must be an http(s) URL' }),
    headers: z.record(z.string(), z.string()).default({}),
    /** A string is sent as is; anything else as JSON (with a JSON content type unless one is set). */
    body: z.unknown().optional(),
    timeout: durationMsField('timeout', 100, 3_600_000).default(30_000),
    /**
     * Bytes of the response read: a longer body is cut (and marked truncated). The body kept in the result is cut
     * further, whatever this is, where its form there (escaped text, base64) would not fit MAX_RESULT_BYTES.
     */
    maxResponseBytes: z.number().int().min(0).max(10 * 1024 * 1024).default(512 * 1024),
  })
  .strict()
  .superRefine(requestIssues);
type HttpConfig = z.output<typeof httpConfigSchema>;

export interface HttpResult {
  readonly status: number;
  readonly contentType?: string;
  /** Text (JSON parsed, when the response is JSON, whole and fits), or base64 with `bodyEncoding`. */
  readonly body: unknown;
  /** Set for a body that is not text (its media type says so, or its bytes are not in its charset): base64 of its bytes. */
  readonly bodyEncoding?: 'base64';
  /** The body kept is not the whole response: cut at maxResponseBytes, or to fit MAX_RESULT_BYTES. */
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

async function readCapped(response: Response, capBytes: number): Promise<{ bytes: Buffer; truncated: boolean }> {
  if (!response.body) return { bytes: Buffer.alloc(0), truncated: false };
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
      return { bytes: Buffer.concat(chunks).subarray(0, capBytes), truncated: true };
    }
  }
  return { bytes: Buffer.concat(chunks), truncated: false };
}

/**
 * Media types whose bodies are text: text/*, and JSON, XML, YAML, CSV, script, forms (`+json` and `x-ndjson` kin
 * too). A type taken for text whose bytes are not text (a zip whose type names "xml") is still carried as base64.
 */
const TEXTUAL_TYPE = /^text\/|^[^/]+\/.*(json|xml|yaml|toml|csv|javascript|ecmascript|x-www-form-urlencoded|graphql|sql)/;

/** A Content-Type's media type (lower case, without parameters) and charset, when it has them. */
function mediaTypeOf(contentType: string | undefined): { type?: string; charset?: string } {
  if (!contentType) return {};
  const type = contentType.split(';', 1)[0].trim().toLowerCase() || undefined;
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1];
  return { type, charset };
}

/**
 * The body as text when it is text: a textual media type (or none) and bytes that are all characters of its charset
 * (UTF-8 unless it names another one TextDecoder knows). A body cut at maxResponseBytes may end inside a character:
 * that piece is dropped. Anything else (an image, a zip, Latin-1 bytes sent as UTF-8) is not text: undefined.
 */
function decodeText(bytes: Buffer, contentType: string | undefined, truncated: boolean): string | undefined {
  const { type, charset } = mediaTypeOf(contentType);
  if (bytes.length === 0) return '';
  if (type !== undefined && !TEXTUAL_TYPE.test(type)) return undefined;
  try {
    return new TextDecoder(charset ?? 'utf-8', { fatal: true }).decode(bytes, { stream: truncated });
  } catch {
    return undefined; // bytes not in the charset, or a charset TextDecoder does not know
  }
}

/**
 * The body as the result carries it, fitting MAX_RESULT_BYTES beside the rest of the result: JSON parsed (a JSON
 * response, whole, whose parsed form fits); text, cut where its escaped form would not fit; or base64 of its bytes,
 * cut likewise. Every cut is marked truncated, as the cut at maxResponseBytes is.
 */
function resultOf(status: number, contentType: string | undefined, read: { bytes: Buffer; truncated: boolean }, text: string | undefined): HttpResult {
  const head = { status, ...(contentType ? { contentType } : {}) };
  const encoding = text === undefined ? { bodyEncoding: 'base64' as const } : {};
  // Room for the body's JSON (its quotes too): what the result holds beside an empty body, with `truncated: false`.
  const budget = MAX_RESULT_BYTES - jsonBytes({ ...head, body: '', ...encoding, truncated: false }) + jsonBytes('');
  if (text === undefined) {
    const keep = Math.min(read.bytes.length, Math.floor(Math.max(0, budget - 2) / 4) * 3);
    return { ...head, body: read.bytes.subarray(0, keep).toString('base64'), ...encoding, truncated: read.truncated || keep < read.bytes.length };
  }
  if (!read.truncated && mediaTypeOf(contentType).type?.includes('json')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (jsonBytes(parsed) <= budget) return { ...head, body: parsed, truncated: false };
    } catch {
      // not JSON after all: the text
    }
  }
  const kept = cutToJsonBytes(text, budget);
  return { ...head, body: kept, truncated: read.truncated || kept.length < text.length };
}

/** Why the request or the reading of its response failed: the timeout, the attempt's abort, or the network. */
function requestError(error: unknown, config: HttpConfig, timeout: AbortSignal, signal: AbortSignal): ExecutorError {
  if (timeout.aborted) return new ExecutorError(`no complete response within ${config.timeout}ms`, 'Timeout', true);
  if (signal.aborted) return new ExecutorError('request aborted', 'Aborted', false);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return new ExecutorError(`${config.method} ${config.url} failed: ${cause?.code ?? cause?.message ?? String(error)}`, 'NetworkError', true);
}

async function call({ config, signal, logger }: ExecutionContext<HttpConfig>): Promise<HttpResult> {
  // One timeout for the headers and the body: both phases fail the same way (type Timeout), whichever it cut.
  const timeout = AbortSignal.timeout(config.timeout);
  let response: Response;
  let read: { bytes: Buffer; truncated: boolean };
  try {
    response = await fetch(config.url, requestInit(config, AbortSignal.any([signal, timeout])));
    read = await readCapped(response, config.maxResponseBytes);
  } catch (error) {
    throw requestError(error, config, timeout, signal);
  }
  const contentType = response.headers.get('content-type') ?? undefined;
  const text = decodeText(read.bytes, contentType, read.truncated);
  logger.info(`${config.method} ${config.url} → ${response.status}`);
  if (response.status >= 400) {
    const retryable = response.status >= 500 || RETRYABLE_4XX.has(response.status);
    const excerpt = text === undefined ? `(${read.bytes.length} bytes, not text)` : text.length > 300 ? `${text.slice(0, 300)}…` : text;
    throw new ExecutorError(`HTTP ${response.status} ${response.statusText}${excerpt ? `: ${excerpt}` : ''}`, 'HttpError', retryable);
  }
  return resultOf(response.status, contentType, read, text);
}

/** One HTTP request; 5xx, 408, 429, timeouts and network errors are retryable, other 4xx are not. */
export const httpExecutor: TaskExecutor<HttpConfig> = {
  type: 'http',
  description: 'Sends an HTTP request (method, url, headers, body, timeout); the response is the result.',
  configSchema: httpConfigSchema as unknown as z.ZodType<HttpConfig>,
  execute: call,
  neverPauses: true,
};
