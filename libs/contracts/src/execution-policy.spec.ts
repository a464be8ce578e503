import { createTaskPayloadSchema, updateTaskPayloadSchema } from './commands/task-commands';
import { taskDueSchema } from './events/execution-events';

const create = (extra: Record<string, unknown>) => createTaskPayloadSchema.safeParse({ name: 'x', executor: 'noop', ...extra });

describe('execution policy on task commands', () => {
  it('stores the retry policy in ms with defaults filled in', () => {
    const parsed = create({ retry: { maxAttempts: 4, initialInterval: '2s', maxInterval: '1m', jitter: 0.1 } });
    expect(parsed.success && parsed.data.retry).toEqual({
      maxAttempts: 4,
      backoff: 'exponential',
      initialIntervalMs: 2000,
      multiplier: 2,
      maxIntervalMs: 60_000,
      jitter: 0.1,
      nonRetryableErrorTypes: [],
    });
  });

  it('a first delay longer than the default cap raises the cap to it; one given says why it is refused', () => {
    const parsed = create({ retry: { maxAttempts: 3, initialInterval: '10m' } });
    expect(parsed.success && parsed.data.retry).toMatchObject({ initialIntervalMs: 600_000, maxIntervalMs: 600_000 });
    const refused = create({ retry: { maxAttempts: 3, initialInterval: '1h', maxInterval: '1s' } });
    expect(refused.error?.issues.map((issue) => issue.message)).toEqual(['maxInterval (1s) must be at least initialInterval (1h)']);
  });

  it('stores timeouts in ms, leaving absent ones out', () => {
    const parsed = create({ timeouts: { startToClose: '30s', heartbeat: 5000 }, maxConcurrent: 3 });
    expect(parsed.success && [parsed.data.timeouts, parsed.data.maxConcurrent]).toEqual([{ startToCloseMs: 30_000, heartbeatMs: 5000 }, 3]);
  });

  it.each([
    ['retry without maxAttempts', { retry: { backoff: 'fixed' } }, 'retry.maxAttempts'],
    ['zero attempts', { retry: { maxAttempts: 0 } }, 'retry.maxAttempts'],
    ['an unknown backoff', { retry: { maxAttempts: 2, backoff: 'linear' } }, 'retry.backoff'],
    ['jitter above 1', { retry: { maxAttempts: 2, jitter: 2 } }, 'retry.jitter'],
    ['an unknown retry field', { retry: { maxAttempts: 2, forever: true } }, 'retry'],
    ['a timeout that is not a duration', { timeouts: { startToClose: 'soon' } }, 'timeouts.startToClose'],
    ['a timeout below 100ms', { timeouts: { heartbeat: '10ms' } }, 'timeouts.heartbeat'],
    ['maxConcurrent 0', { maxConcurrent: 0 }, 'maxConcurrent'],
    ['a maxInterval below the initialInterval', { retry: { maxAttempts: 3, initialInterval: '1h', maxInterval: '1s' } }, 'retry.maxInterval'],
    ['an unknown overlap policy', { maxConcurrent: 1, overlap: 'replace' }, 'overlap'],
  ])('refuses %s', (_what, extra, path) => {
    const parsed = create(extra);
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(parsed.error.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });

  it('an update may change only the policy', () => {
    expect(updateTaskPayloadSchema.safeParse({ taskId: 't', maxConcurrent: 1 }).success).toBe(true);
  });

  it('TaskDue events written before the policy existed stay valid', () => {
    const due = { taskId: 't', executionId: 'e', executor: 'noop', config: {}, scheduledAt: new Date(0).toISOString(), reason: 'schedule', taskRevision: 0 };
    expect(taskDueSchema.safeParse(due).success).toBe(true);
  });
});
