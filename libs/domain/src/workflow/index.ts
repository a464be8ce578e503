export * from './trigger-rules';
export * from './resolve-references';
export * from './workflow.state';
export * from './workflow.commands';
export * from './next-decisions';
export * from './workflow.decider';
