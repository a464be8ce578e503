export * from './decider';
export * from './task';
export * from './task-name';
export * from './execution';
export * from './workflow';
export * from './schedule';
