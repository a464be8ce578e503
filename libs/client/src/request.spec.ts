import type { NatsConnection } from '@nats-io/transport-node';
import { ErrorCode, MAX_REQUEST_BYTES } from '@sched/contracts';
import { SchedClientError } from './errors';
import { MAX_TIMEOUT_MS, requestReply } from './request';

/** A connection that records what it was asked to send and fails or answers as told. */
function fakeConnection(answer: () => Promise<{ string(): string }>, maxPayload = 1024 * 1024) {
  const sent: string[] = [];
  const nc = { info: { max_payload: maxPayload }, request: (subject: string) => (sent.push(subject), answer()) } as unknown as NatsConnection;
  return { nc, sent };
}

const rejection = (promise: Promise<unknown>): Promise<SchedClientError> =>
  promise.then(
    () => { throw new Error('expected a rejection'); },
    (error: unknown) => error as SchedClientError,
  );

describe('requestReply', () => {
  it('refuses a timeout no Node timer keeps (over 2^31 - 1 ms fired at once: every request was UNAVAILABLE), sending nothing', async () => {
    const { nc, sent } = fakeConnection(() => Promise.resolve({ string: () => '{"ok":true,"result":1}' }));
    for (const timeoutMs of [MAX_TIMEOUT_MS + 1, 3_000_000_000, 0, 1.5]) {
      const error = await rejection(requestReply(nc, 'sched.cmd.projector.rebuild', {}, timeoutMs));
      expect(error).toMatchObject({ code: ErrorCode.VALIDATION, details: { timeoutMs, max: MAX_TIMEOUT_MS } });
    }
    expect(sent).toEqual([]);
    await expect(requestReply(nc, 'sched.query.stats', {}, MAX_TIMEOUT_MS)).resolves.toBe(1);
  });

  it('refuses a body over MAX_REQUEST_BYTES before sending it: BAD_REQUEST with the limit, as the server says it', async () => {
    const { nc, sent } = fakeConnection(() => Promise.resolve({ string: () => '{"ok":true,"result":1}' }));
    const config = { blob: 'x'.repeat(1_500_000) };
    const error = await rejection(requestReply(nc, 'sched.cmd.task.create', { name: 'big', executor: 'noop', config }));
    expect(error).toBeInstanceOf(SchedClientError);
    expect(error.code).toBe(ErrorCode.BAD_REQUEST);
    expect(error.details).toEqual({ limit: 'MAX_REQUEST_BYTES', max: MAX_REQUEST_BYTES, actual: expect.any(Number) });
    expect(error.details.actual).toBeGreaterThan(1_500_000);
    expect(error.message).toMatch(/^sched\.cmd\.task\.create: payload of \d+ bytes is over the limit of 262144$/);
    expect(sent).toEqual([]);
  });

  it("maps the transport's own max_payload refusal (a server with a smaller max_payload) to BAD_REQUEST, not UNAVAILABLE", async () => {
    const { nc } = fakeConnection(() => Promise.reject(new Error("'payload' max_payload size exceeded")), 100_000);
    const error = await rejection(requestReply(nc, 'sched.cmd.task.create', { blob: 'x'.repeat(150_000) }));
    expect(error.code).toBe(ErrorCode.BAD_REQUEST);
    expect(error.details).toEqual({ limit: 'max_payload', max: 100_000, actual: expect.any(Number) });
  });

  it('a reply that is not { ok, result } nor { ok: false, error } is INTERNAL quoting it (the roll call\'s threw a TypeError)', async () => {
    for (const text of ['{"instances":[]}', 'null', '{"ok":false}']) {
      const { nc } = fakeConnection(() => Promise.resolve({ string: () => text }));
      const error = await rejection(requestReply(nc, 'sched.cmd.projector.instances', {}));
      expect(error).toMatchObject({ code: 'INTERNAL', details: { reply: text } });
    }
  });

  it('still reports no answer as UNAVAILABLE', async () => {
    const { nc } = fakeConnection(() => Promise.reject(new Error('TIMEOUT')));
    const error = await rejection(requestReply(nc, 'sched.query.task.list', {}));
    // Something listens (else: no responders): it is busy or stopping, which the message says rather than "no sched".
    expect([error.code, error.message]).toEqual([ErrorCode.UNAVAILABLE, 'sched.query.task.list: no answer in time: the services are busy (retry later) or stopping (TIMEOUT)']);
    expect(SchedClientError.noResponders(error)).toBe(false);
  });

  it('credentials the server refuses at connect are UNAUTHORIZED (no retry gets in), not UNAVAILABLE', () => {
    const error = SchedClientError.unavailable('connect nats://127.0.0.1:4222', new Error('Authorization Violation'));
    expect([error.code, error.message]).toEqual([ErrorCode.UNAUTHORIZED, expect.stringContaining('refused these credentials')]);
  });

  it('no responders: says no sched service listens on that NATS server, whatever the subject (a list first reads the log head)', async () => {
    const { nc } = fakeConnection(() => Promise.reject(new Error("no responders: 'sched.query.history'")));
    const error = await rejection(requestReply(nc, 'sched.query.history', {}));
    expect([error.code, error.message]).toEqual([ErrorCode.UNAVAILABLE, expect.stringMatching(/^no sched service answers on this NATS server: is sched running.*\(no responders on sched\.query\.history\)$/)]);
    expect(SchedClientError.noResponders(error)).toBe(true);
  });
});
