export * from './read-model.store';
export * from './tasks.table';
export * from './executions.table';
