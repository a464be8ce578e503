import * as path from 'node:path';
import { ExecutorRegistry } from './executor-registry';
import { configuredExecutors, executorsExportedBy, loadExecutorModules } from './executor-modules';
import { runExecutor } from './testing/run-executor';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const EXAMPLE = './examples/executors/checksum.executor.js';

describe('custom executors loaded by configuration', () => {
  it('loads every TaskExecutor the configured modules export', () => {
    const loaded = loadExecutorModules({ EXECUTOR_MODULES: ` ${EXAMPLE} ` }, ROOT);
    expect(loaded.map((executor) => executor.type)).toEqual(['checksum']);
  });

  it('adds them to the built-ins, so a registry validates their configs', () => {
    const registry = new ExecutorRegistry(configuredExecutors({ EXECUTOR_MODULES: path.join(ROOT, EXAMPLE) }));
    expect(registry.types()).toEqual(['checksum', 'command', 'example', 'http', 'manual', 'noop', 'sleep']);
    expect(() => registry.validate('checksum', { path: '/etc/hostname' })).not.toThrow();
    expect(() => registry.validate('checksum', {})).toThrow('config.path: required string is missing');
  });

  it('nothing configured: the built-ins only', () => {
    expect(configuredExecutors({}).map((executor) => executor.type)).toEqual(['noop', 'sleep', 'manual', 'command', 'http', 'example']);
  });

  it('a module without executors is a start-up error', () => {
    expect(() => loadExecutorModules({ EXECUTOR_MODULES: 'node:path' })).toThrow(/exports no TaskExecutor/);
  });

  it('finds executors in named exports, default and arrays', () => {
    const executor = { type: 'x', description: '', configSchema: { safeParse: () => ({}) }, execute: async () => 1 };
    expect(executorsExportedBy({ default: executor, list: [executor], other: 3 })).toEqual([executor]);
  });

  it('the example hashes a file and reports progress', async () => {
    const [checksum] = loadExecutorModules({ EXECUTOR_MODULES: EXAMPLE }, ROOT);
    const run = runExecutor<{ digest: string; bytes: number }>(checksum, { path: path.join(ROOT, 'package.json') });
    const result = await run.result;
    expect(result.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(run.progress.at(-1)?.percent).toBe(100);
    await expect(runExecutor(checksum, { path: '/no/such/file' }).result).rejects.toMatchObject({ type: 'FileNotFound', retryable: false });
  });
});
