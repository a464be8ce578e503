export * from './cursor';
export * from './keyset-page';
export * from './views';
export * from './projector-queries.service';
export * from './projector-queries.controller';
