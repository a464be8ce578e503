/**
 * The NATS KV buckets in which running processes say they are alive, read by more than the app that writes them
 * (schedctl import refuses a target that has live entries in either).
 */
/** Executors: worker id → when it last refreshed; entries expire after the work ack wait (apps/executor/src/limits/worker-registry.ts). */
export const WORKERS_BUCKET = 'sched_workers';
/** Timers: `p.<partition>` → the instance holding its lease; entries expire with the lease (apps/timer/src/ha/partition-leases.ts). */
export const TIMER_LEASES_BUCKET = 'sched_timer_leases';
