export * from './task-name.decider';
