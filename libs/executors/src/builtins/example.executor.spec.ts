import { runExecutor } from '../testing/run-executor';
import { ExecutorRegistry } from '../executor-registry';
import { BUILTIN_EXECUTORS } from '.';
import { exampleExecutor } from './example.executor';

describe('example executor', () => {
  it('is a built-in with validated config', () => {
    const registry = new ExecutorRegistry(BUILTIN_EXECUTORS);
    expect(registry.types()).toContain('example');
    expect(() => registry.validate('example', { successRate: 2 })).toThrow(/successRate/);
    expect(() => registry.validate('example', { duration: 'soon' })).toThrow(/duration/);
    expect(registry.validate('example', {})).toEqual({ successRate: 1, steps: 10 });
  });

  it('processes its steps as items and succeeds with successRate 1', async () => {
    const run = runExecutor(exampleExecutor, { duration: 30, steps: 3, successRate: 1 });
    await expect(run.result).resolves.toEqual({ items: 3, durationMs: 30 });
    expect(run.items).toEqual([1, 2, 3].map((n) => ({ processed: n, total: 3, current: `item ${n}` })));
  });

  it('fails (retryable ExampleFailure) with successRate 0', async () => {
    const run = runExecutor(exampleExecutor, { duration: 0, steps: 1, successRate: 0 });
    await expect(run.result).rejects.toMatchObject({ type: 'ExampleFailure', retryable: true });
  });

  it('waits at its checkpoints while paused, and stops when terminated', async () => {
    const run = runExecutor(exampleExecutor, { duration: 40, steps: 4 });
    run.control.pause();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(run.items).toHaveLength(1); // reported item 1, then waited
    run.control.resume();
    await expect(run.result).resolves.toMatchObject({ items: 4 });

    const terminated = runExecutor(exampleExecutor, { duration: 40, steps: 4 });
    terminated.control.pause();
    await new Promise((resolve) => setTimeout(resolve, 30));
    terminated.controller.abort();
    await expect(terminated.result).rejects.toMatchObject({ type: 'Aborted' });
    expect(terminated.control.state).toBe('terminating');
  });
});
