export * from './task-executor';
export * from './execution-control';
export * from './execution-error';
export * from './attempt-log';
export * from './executor-registry';
export * from './executor-modules';
export * from './builtins';
export * from './workflow.executor';
