export * from './projection';
export * from './task.projection';
export * from './execution.projection';
export * from './task-executions.projection';
export * from './fold-batch';
export * from './attempt.projection';
export * from './task-stats.projection';
export * from './workflow-run.projection';
