export * from './projections';
export * from './store';
export * from './queries';
export * from './projector.service';
export * from './projector.module';
