export * from './history-page';
export * from './as-of';
export * from './history.service';
export * from './history.controller';
