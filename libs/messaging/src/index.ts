export * from './config';
export * from './tokens';
export * from './nats-server-process';
export * from './nats-connection';
export * from './nest';
export * from './work-queue';
