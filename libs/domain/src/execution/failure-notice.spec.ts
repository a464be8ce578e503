import type { TaskDue, TaskFailed } from '@sched/contracts';
import { NOTICE_RETRY, failureNotice, pauseAfterFailure } from './failure-notice';

const due: TaskDue['data'] = {
  taskId: 't1',
  executionId: 't1@1000',
  executor: 'command',
  config: { argv: ['backup'] },
  scheduledAt: '2030-01-01T00:00:01.000Z',
  reason: 'schedule',
  taskRevision: 3,
  notify: { url: 'https://hooks.example.com/x', headers: { authorization: 'Bearer ${secret:HOOK}' } },
};
const failed = (final: boolean): TaskFailed['data'] => ({
  attempt: 2,
  error: { type: 'CommandFailed', message: 'backup exited with code 2', retryable: true },
  durationMs: 40,
  endedAt: '2030-01-01T00:00:05.000Z',
  final,
});

describe('failure notice', () => {
  it('a final failure of a task with notify → the TaskDue of an http POST saying what failed, due when it failed', () => {
    expect(failureNotice(due, failed(true), '2030-01-01T00:00:05.010Z')).toEqual({
      taskId: 't1:notify',
      executionId: 't1@1000:notify',
      executor: 'http',
      config: {
        method: 'POST',
        url: 'https://hooks.example.com/x',
        headers: { authorization: 'Bearer ${secret:HOOK}' },
        body: {
          event: 'execution.failed',
          taskId: 't1',
          executionId: 't1@1000',
          executor: 'command',
          reason: 'schedule',
          scheduledAt: '2030-01-01T00:00:01.000Z',
          attempt: 2,
          endedAt: '2030-01-01T00:00:05.000Z',
          error: { type: 'CommandFailed', message: 'backup exited with code 2', retryable: true },
          text: 'sched: t1@1000 of task t1 failed for good (attempt 2, CommandFailed): backup exited with code 2',
        },
      },
      scheduledAt: '2030-01-01T00:00:05.010Z',
      reason: 'notification',
      taskRevision: 3,
      retry: NOTICE_RETRY,
    });
  });

  it("escapes a secret reference in what it quotes: the notice's executor sends it as text, never resolved", () => {
    const quoting = { ...failed(true), error: { type: 'HttpError', message: 'HTTP 400: unknown ${secret:DB_PASSWORD}', retryable: false } };
    const notice = failureNotice(due, quoting, 'x')!;
    expect((notice.config.body as { error: { message: string } }).error.message).toBe('HTTP 400: unknown $${secret:DB_PASSWORD}');
    expect((notice.config.body as { text: string }).text).toMatch(/: HTTP 400: unknown \$\$\{secret:DB_PASSWORD\}$/);
    expect(notice.config.headers).toEqual({ authorization: 'Bearer ${secret:HOOK}' }); // the task's own: resolved
  });

  it("the one-line text a chat webhook posts quotes a long message's start", () => {
    const long = { ...failed(true), attempt: 1, error: { type: 'Timeout', message: 'x'.repeat(1000), retryable: true } };
    const text = (failureNotice(due, long, 'x')!.config.body as { text: string }).text;
    expect(text).toBe(`sched: t1@1000 of task t1 failed for good (its only attempt, Timeout): ${'x'.repeat(300)}…`);
  });

  it('nothing for a failure that will be retried, for a task without notify, and never a notice of a notice', () => {
    expect(failureNotice(due, failed(false), 'x')).toBeUndefined();
    const { notify: _notify, ...withoutNotify } = due;
    expect(failureNotice(withoutNotify, failed(true), 'x')).toBeUndefined();
    const notice = failureNotice(due, failed(true), '2030-01-01T00:00:05.010Z')!;
    expect(failureNotice(notice, failed(true), 'x')).toBeUndefined();
  });

  it('pauseOnFailure: a final failure pauses the task, saying which execution and why; not a retried one, not a notice', () => {
    const pausing = { ...due, pauseOnFailure: true };
    expect(pauseAfterFailure(pausing, failed(true), 5000)).toEqual({
      type: 'PauseTask',
      data: { taskId: 't1', afterFailureOf: 't1@1000', nowMs: 5000, note: 'paused after t1@1000 failed for good (CommandFailed: backup exited with code 2)' },
    });
    expect(pauseAfterFailure(pausing, failed(false), 5000)).toBeUndefined();
    expect(pauseAfterFailure(due, failed(true), 5000)).toBeUndefined();
    expect(pauseAfterFailure({ ...pausing, reason: 'notification' }, failed(true), 5000)).toBeUndefined();
  });
});
