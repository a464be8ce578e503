export * from './read-model.store';
export * from './tasks.table';
export * from './executions.table';
export * from './attempts.table';
export * from './task-stats.table';
