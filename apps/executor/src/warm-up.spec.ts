import { ExecutorRegistry, noopExecutor, sleepExecutor, type TaskExecutor } from '@sched/executors';
import { warmUpExecutionPath } from './warm-up';

const GROUP_COMMIT_MS = 25;

describe('warmUpExecutionPath', () => {
  it('runs the given number of no-op executions to success through the actor, in memory', async () => {
    await expect(warmUpExecutionPath(new ExecutorRegistry([noopExecutor]), 'w1', 300, GROUP_COMMIT_MS)).resolves.toBe(300);
  });

  it('never waits out the group-commit hold: each no-op attempt ends first and commits with its start', async () => {
    // Waiting it out would take 100 minutes here; Jest gives up after 5 s.
    await expect(warmUpExecutionPath(new ExecutorRegistry([noopExecutor]), 'w1', 100, 60_000)).resolves.toBe(100);
  });

  it('runs nothing when turned off, or when there is no noop executor to run', async () => {
    await expect(warmUpExecutionPath(new ExecutorRegistry([noopExecutor]), 'w1', 0, GROUP_COMMIT_MS)).resolves.toBe(0);
    await expect(warmUpExecutionPath(new ExecutorRegistry([sleepExecutor]), 'w1', 100, GROUP_COMMIT_MS)).resolves.toBe(0);
  });

  it('fails loudly when an execution does not end succeeded: the path real work takes is broken', async () => {
    const failing: TaskExecutor = { ...noopExecutor, execute: () => Promise.reject(new Error('boom')) };
    await expect(warmUpExecutionPath(new ExecutorRegistry([failing]), 'w1', 10, GROUP_COMMIT_MS)).rejects.toThrow(/executor-warm-up@\d+ ended failed/);
  });
});
