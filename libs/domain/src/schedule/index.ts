export * from './schedule.occurrences';
export * from './exclusions';
export * from './schedule.jitter';
export * from './next-fires';
export * from './fire-order';
export * from './misfire';
export * from './set-instants';
export * from './fired-counts';
