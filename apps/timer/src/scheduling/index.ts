export * from './clock';
export * from './manual-clock';
export * from './timer-queue';
export * from './timer-driver';
export * from './time-slicer';
