import { SchedClientError } from '@sched/client';
import { ErrorCode } from '@sched/contracts';
import { ExitCode, exitCodeOf } from './exit-codes';

describe('schedctl exit codes', () => {
  it('a body refused for its size (BAD_REQUEST) is bad input (2): retrying would not help, unlike no answer (3)', () => {
    const tooBig = new SchedClientError(ErrorCode.BAD_REQUEST, 'payload over the limit', { limit: 'MAX_REQUEST_BYTES' }, 'sched.cmd.task.create');
    expect(exitCodeOf(tooBig)).toBe(ExitCode.USAGE);
    expect(exitCodeOf(new SchedClientError(ErrorCode.UNAVAILABLE, 'no answer'))).toBe(ExitCode.UNAVAILABLE);
    expect(exitCodeOf(new SchedClientError(ErrorCode.VALIDATION, 'bad field'))).toBe(ExitCode.ERROR);
  });
});
