import { SchedClientError } from '@sched/client';
import { ErrorCode } from '@sched/contracts';
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
});
