export * from './schedule.occurrences';
export * from './schedule.jitter';
export * from './next-fires';
export * from './misfire';
