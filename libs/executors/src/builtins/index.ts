import type { TaskExecutor } from '../task-executor';
import { commandExecutor } from './command.executor';
import { exampleExecutor } from './example.executor';
import { httpExecutor } from './http.executor';
import { manualExecutor } from './manual.executor';
import { noopExecutor } from './noop.executor';
import { sleepExecutor } from './sleep.executor';

export { commandExecutor, exampleExecutor, httpExecutor, manualExecutor, noopExecutor, sleepExecutor };
export type { CommandResult } from './command.executor';
export type { HttpResult } from './http.executor';
export const BUILTIN_EXECUTORS: readonly TaskExecutor<any>[] = [noopExecutor, sleepExecutor, manualExecutor, commandExecutor, httpExecutor, exampleExecutor];
