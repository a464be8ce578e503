import { BUILTIN_EXECUTORS, ExecutorRegistry } from '@sched/executors';

/** Executor types the gateway accepts on tasks. Provided as a class token so apps can swap in a wider registry. */
export class ExecutorCatalog extends ExecutorRegistry {
  static withBuiltins(): ExecutorCatalog {
    return new ExecutorCatalog(BUILTIN_EXECUTORS);
  }
}
