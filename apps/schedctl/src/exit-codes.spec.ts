import { SchedClientError } from '@sched/client';
import { ErrorCode } from '@sched/contracts';
import { NatsUnreachableError } from '@sched/messaging';
import { ExitCode, describeError, exitCodeOf } from './exit-codes';

describe('schedctl exit codes', () => {
  it('a body refused for its size (BAD_REQUEST) is bad input (2): retrying would not help, unlike no answer (3)', () => {
    const tooBig = new SchedClientError(ErrorCode.BAD_REQUEST, 'payload over the limit', { limit: 'MAX_REQUEST_BYTES' }, 'sched.cmd.task.create');
    expect(exitCodeOf(tooBig)).toBe(ExitCode.USAGE);
    expect(exitCodeOf(new SchedClientError(ErrorCode.UNAVAILABLE, 'no answer'))).toBe(ExitCode.UNAVAILABLE);
    expect(exitCodeOf(new SchedClientError(ErrorCode.VALIDATION, 'bad field'))).toBe(ExitCode.ERROR);
  });

  it('a NATS permission refusal met outside the client (export reads JetStream itself) is UNAUTHORIZED in --json too', () => {
    const refused = new Error('Permissions Violation for Publish to "$JS.API.INFO"');
    expect(exitCodeOf(refused)).toBe(ExitCode.ERROR);
    expect(JSON.parse(describeError(refused, true))).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.stringContaining('$JS.API.INFO: this NATS user may not send it'), details: expect.any(Object) } });
  });

  it('NATS not there, met outside the client (export and import connect themselves), is UNAVAILABLE: exit 3, as for every command', () => {
    const unreachable = new NatsUnreachableError('nats://127.0.0.1:1', new Error('connection refused'));
    expect(exitCodeOf(unreachable)).toBe(ExitCode.UNAVAILABLE);
    expect(JSON.parse(describeError(unreachable, true))).toEqual({ error: { code: 'UNAVAILABLE', message: 'NATS unreachable at nats://127.0.0.1:1: connection refused', details: { url: 'nats://127.0.0.1:1' } } });
  });
});
