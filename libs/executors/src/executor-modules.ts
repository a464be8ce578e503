import * as path from 'node:path';
import { BUILTIN_EXECUTORS } from './builtins';
import type { TaskExecutor } from './task-executor';

/** Comma-separated module paths (relative to the working directory) or package names of custom executors. */
export const EXECUTOR_MODULES_ENV = 'EXECUTOR_MODULES';

const isTaskExecutor = (value: unknown): value is TaskExecutor<unknown> =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as TaskExecutor).type === 'string' &&
  typeof (value as TaskExecutor).execute === 'function' &&
  typeof (value as TaskExecutor).configSchema?.safeParse === 'function';

/** Every TaskExecutor a module exports: named exports, `default`, or arrays of them. */
export function executorsExportedBy(moduleExports: unknown): TaskExecutor<unknown>[] {
  const found = new Set<TaskExecutor<unknown>>();
  const visit = (value: unknown): void => {
    if (isTaskExecutor(value)) found.add(value);
    else if (Array.isArray(value)) value.forEach(visit);
  };
  visit(moduleExports);
  if (typeof moduleExports === 'object' && moduleExports !== null) Object.values(moduleExports).forEach(visit);
  return [...found];
}

/**
 * Loads the custom executors named by EXECUTOR_MODULES, so a deployment adds executor types by configuration,
 * not by editing core code. The gateway (which validates task configs) and the executors must be given the same list.
 */
export function loadExecutorModules(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): TaskExecutor<unknown>[] {
  const specs = (env[EXECUTOR_MODULES_ENV] ?? '').split(',').map((spec) => spec.trim()).filter(Boolean);
  return specs.flatMap((spec) => {
    const resolved = spec.startsWith('.') || path.isAbsolute(spec) ? path.resolve(cwd, spec) : spec;
    // require, not import: the path is known only at run time, and the apps run as CommonJS.
    const executors = executorsExportedBy(require(resolved));
    if (executors.length === 0) throw new Error(`${EXECUTOR_MODULES_ENV}: ${spec} exports no TaskExecutor`);
    return executors;
  });
}

/** The built-in executors plus the configured custom ones: what the gateway's catalog and the executors both use. */
export function configuredExecutors(env: NodeJS.ProcessEnv = process.env): TaskExecutor<unknown>[] {
  return [...(BUILTIN_EXECUTORS as TaskExecutor<unknown>[]), ...loadExecutorModules(env)];
}
