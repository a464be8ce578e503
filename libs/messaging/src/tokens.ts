/** Nest injection tokens shared by every app. */
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
export const SCHED_CONFIG = Symbol('SCHED_CONFIG');
export const EVENT_STORE = Symbol('EVENT_STORE');
