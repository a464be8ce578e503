export * from './sched-metrics';
export * from './work-queue-depth';
export * from './metrics-endpoint';
export * from './process-health';
