export * from './execution.commands';
export * from './execution.state';
export * from './execution.decider';
