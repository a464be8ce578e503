export * from './execution.commands';
export * from './execution.state';
export * from './execution.decider';
export * from './retry-policy';
export * from './due-policy';
export * from './progress-estimate';
export * from './execution-control';
export * from './failure-notice';
