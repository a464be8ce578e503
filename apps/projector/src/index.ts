export * from './projections';
export * from './store';
export * from './queries';
export * from './history';
export * from './projector.service';
export * from './projector.module';
