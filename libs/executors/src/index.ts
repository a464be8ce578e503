export * from './task-executor';
export * from './executor-registry';
export * from './builtins';
