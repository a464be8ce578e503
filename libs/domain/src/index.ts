export * from './decider';
export * from './task';
export * from './execution';
export * from './schedule';
