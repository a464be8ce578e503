import * as fc from 'fast-check';

/** One generated request: a subject and the exact bytes sent to it. */
export interface FuzzRequest {
  readonly subject: string;
  readonly body: Uint8Array;
  /** The commandId the payload carries, when it carries a well-formed one (to attribute appended events). */
  readonly commandId?: string;
}

/**
 * Values that sit on the edges of the schemas: ids with subject wildcards, durations out of range, dates that
 * are not dates, numbers past safe integers, prototype keys. Mixed with fast-check's own JSON values.
 */
function edgeValues(knownIds: readonly string[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom<unknown>(
      '', ' ', 'a.b', '>', '*', 'sched.cmd.task.create', '../../etc/passwd', '\u0000', '\ud800', 'x'.repeat(5000),
      'noop', 'sleep', 'manual', 'teleport', '1s', '10ms', '0s', '-1s', '366d', '367d', '1x', 'PT1S',
      '2024-01-01T00:00:00Z', '2024-13-45T99:99:99Z', '9999-12-31T23:59:59Z', 'yesterday',
      0, -1, 1, 0.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, true, false, null,
      [], {}, { __proto__: { polluted: true } }, { constructor: { prototype: { polluted: true } } },
      'active', 'paused', 'deleted', 'due', 'running', 'queue', 'skip', 'fire-all', 'fire-once', 'exponential',
    ),
    fc.constantFrom(...knownIds),
    fc.record(
      {
        type: fc.constantFrom('interval', 'cron', 'once', 'at', 'bogus'),
        every: fc.oneof(fc.constantFrom('1s', '1m', '0', '10ms'), fc.integer()),
        offset: fc.oneof(fc.constantFrom('5s', '-5s'), fc.integer()),
        expression: fc.constantFrom('* * * * *', '0 0 31 2 *', 'not cron', '*/0 * * * *'),
        at: fc.constantFrom('2030-01-01T00:00:00Z', 'soon'),
        timezone: fc.constantFrom('UTC', 'Europe/Paris', 'Mars/Olympus'),
      },
      { requiredKeys: [] },
    ),
    fc.string({ maxLength: 40 }),
    fc.integer(),
    fc.jsonValue({ maxDepth: 3 }),
  );
}

/** Field names the commands and queries use, plus ones none of them has. */
const FIELDS = [
  'taskId', 'executionId', 'name', 'description', 'executor', 'config', 'schedules', 'tags', 'retry', 'timeouts',
  'maxConcurrent', 'overlap', 'misfire', 'note', 'reason', 'from', 'to', 'commandId', 'correlationId', 'limit',
  'cursor', 'minPosition', 'state', 'status', 'after', 'count', 'at', 'afterPosition', 'types', 'tag', 'enabled',
  'maxRetries', 'retryInterval', 'bogus', '__proto__',
] as const;

const IDISH = /^[A-Za-z0-9_\-@:]{1,128}$/;

/**
 * Requests across `subjects`: random bytes (mostly not JSON), any JSON value, and objects built from the
 * schemas' field names with edge values (the kind that gets past the first checks).
 */
export function fuzzRequests(subjects: readonly string[], knownIds: readonly string[]): fc.Arbitrary<FuzzRequest> {
  const value = edgeValues(knownIds);
  // A few fields at a time: strict schemas reject unknown keys first, so small objects reach the deeper checks.
  const fieldsObject = fc
    .uniqueArray(fc.constantFrom(...FIELDS), { maxLength: 5 })
    .chain((keys) => fc.tuple(...keys.map(() => value)).map((values) => Object.fromEntries(keys.map((key, i) => [key, values[i]]))));
  const encode = (json: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(json) ?? 'undefined');
  const body = fc.oneof(
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ body: bytes, json: undefined as unknown })) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((json) => ({ body: encode(json), json })) },
    { weight: 6, arbitrary: fieldsObject.map((json) => ({ body: encode(json), json: json as unknown })) },
  );
  return fc.record({ subject: fc.constantFrom(...subjects), sent: body }).map(({ subject, sent }) => {
    const commandId = (sent.json as { commandId?: unknown } | null)?.commandId;
    return { subject, body: sent.body, ...(typeof commandId === 'string' && IDISH.test(commandId) ? { commandId } : {}) };
  });
}

/** Runs `work` over `items` with at most `concurrency` at a time. */
export async function forEachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
