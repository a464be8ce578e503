/**
 * The NATS KV buckets in which running processes say they are alive, read by more than the app that writes them
 * (schedctl import refuses a target that has live entries in either).
 */
/**
 * Workers: worker id → when it last refreshed; entries expire after the work ack wait (worker-registry.ts).
 * Executors register as their INSTANCE_ID, workflow services as `workflow:<INSTANCE_ID>` (the worker id their
 * attempts record), timers as `timer:<INSTANCE_ID>`.
 */
export const WORKERS_BUCKET = 'sched_workers';
/** The worker id workflow services run their runs' executions under. */
export const workflowWorkerId = (instanceId: string): string => `workflow:${instanceId}`;
/**
 * A timer's entry in the worker registry: its partition leases lapse after 1.2 s (fast takeover), too short to tell
 * whether a timer runs against a store from one look (a busy moment of its process would hide it).
 */
export const timerWorkerId = (instanceId: string): string => `timer:${instanceId}`;

/** KV keys allow only `[-/_=.a-zA-Z0-9]`; a worker id (INSTANCE_ID) may hold anything: the rest as `=` + 4 hex digits. */
export const workerKeyOf = (workerId: string): string =>
  workerId.replace(/[^-_.a-zA-Z0-9]/g, (c) => `=${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
/** The worker id a `workerKeyOf` key stands for. */
export const workerIdOfKey = (key: string): string => key.replace(/=([0-9a-f]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
/** Timers: `p.<partition>` → the instance holding its lease; entries expire with the lease (apps/timer/src/ha/partition-leases.ts). */
export const TIMER_LEASES_BUCKET = 'sched_timer_leases';
