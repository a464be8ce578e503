export * from './nats-transport';
export * from './reply.serializer';
export * from './request.deserializer';
export * from './sched-exception.filter';
export * from './sched-core.module';
export * from './pino-logger';
export * from './bootstrap';
export * from './shutdown-deadline';
