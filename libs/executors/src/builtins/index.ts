import type { TaskExecutor } from '../task-executor';
import { noopExecutor } from './noop.executor';
import { sleepExecutor } from './sleep.executor';

export { noopExecutor, sleepExecutor };
export const BUILTIN_EXECUTORS: readonly TaskExecutor<any>[] = [noopExecutor, sleepExecutor];
