export * from './nats-credentials';
export * from './nats-roles';
export * from './nats-auth-files';
export * from './bearer-token';
