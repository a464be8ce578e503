export * from './workflow-ids';
export * from './workflow-dag';
export * from './step-references';
export * from './workflow-definition';
export * from './workflow-events';
export * from './workflow-api';
