export * from './command-reply-cache';
export * from './idempotent-commands.interceptor';
export * from './command-derived-id';
