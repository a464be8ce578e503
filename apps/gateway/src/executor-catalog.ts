import { ExecutorRegistry } from '@sched/executors';

/** Executor types the gateway accepts on tasks. Provided as a class token so apps can swap in a wider registry. */
export class ExecutorCatalog extends ExecutorRegistry {}
