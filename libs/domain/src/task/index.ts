export * from './task.commands';
export * from './task.state';
export * from './task.decider';
export * from './task.rules';
export * from './task.snapshot';
