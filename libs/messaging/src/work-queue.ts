import { AckPolicy, DeliverPolicy, RetentionPolicy, StorageType, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { Subjects, WORKFLOW_EXECUTOR, type TaskDue } from '@sched/contracts';
import { DEFAULT_STREAM_NAME, DISPATCH_MAX_ACK_PENDING, ensureLogDispatch, raiseMaxAckPending, type LogDispatch } from '@sched/event-store';
import { DEFAULT_WORK_ACK_WAIT_MS, workAckWaitMs, type SchedConfig } from './config';

export const WORK_STREAM = 'SCHED_WORK';
export const WORK_CONSUMER = 'sched-executors';
/**
 * Redelivery of an unacked work item after this long without an ack or an in-progress heartbeat: how long a dead
 * worker's attempt waits before it is recorded WorkerLost. Set once, when the queue is first created
 * (WORK_ACK_WAIT_MS; executors heartbeat at a third of it).
 */
export const WORK_ACK_WAIT_MS = ((): number => {
  try {
    return workAckWaitMs(process.env);
  } catch {
    // Not thrown here, as the module loads (a stack trace before main runs): loadConfig, which every main runs
    // first, refuses the value with one line naming it.
    return DEFAULT_WORK_ACK_WAIT_MS;
  }
})();

/** One unit of work: run `attempt` of an execution. The executor reads the execution's stream for everything else. */
export const workItemSchema = z.object({
  executionId: z.string(),
  taskId: z.string(),
  executor: z.string(),
  attempt: z.number().int().positive(),
  /** The instant the attempt may start at, when its TaskDue was recorded ahead of it (TaskDue.notBefore). */
  notBefore: z.string().optional(),
});
export type WorkItem = z.infer<typeof workItemSchema>;

/**
 * The first attempt of a due execution, when executors run it: a workflow run's TaskDue is driven by the workflow
 * service instead (its steps are executions of their own). The one rule for the relay's queue and the log dispatch.
 */
export function firstAttemptOf(due: TaskDue['data']): WorkItem | undefined {
  if (due.executor === WORKFLOW_EXECUTOR) return undefined;
  const item = { executionId: due.executionId, taskId: due.taskId, executor: due.executor, attempt: 1 };
  return due.notBefore === undefined ? item : { ...item, notBefore: due.notBefore };
}

/** When an attempt may start (a work item's or a TaskDue's notBefore, if it has one that parses); undefined: at once. */
export function notBeforeOf(due: { readonly notBefore?: string }): number | undefined {
  if (due.notBefore === undefined) return undefined;
  const ms = Date.parse(due.notBefore);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The dedupe id of a work item: a relay replaying history cannot enqueue the same attempt twice. */
export const workItemMsgId = (item: WorkItem): string => `${item.executionId}/${item.attempt}`;

/**
 * The executor work queue: a work-queue stream (each message removed once acked) with one durable pull consumer
 * that every executor process shares (competing consumers). Idempotent: safe to call from every process.
 */
export async function ensureWorkQueue(
  nc: NatsConnection,
  // Read here rather than threaded through every caller: the same EVENT_STORE_REPLICAS as the event log (config.ts).
  replicas = Number(process.env.EVENT_STORE_REPLICAS) || 1,
): Promise<JetStreamManager> {
  const jsm = await jetstreamManager(nc);
  const streamConfig = {
    name: WORK_STREAM,
    subjects: [Subjects.work.all],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    duplicate_window: 120 * 1_000_000_000,
    num_replicas: replicas,
  };
  try {
    await jsm.streams.info(WORK_STREAM);
  } catch {
    await jsm.streams.add(streamConfig).catch(async (error: unknown) => {
      // Another process created it between our info and add.
      if (!(await jsm.streams.info(WORK_STREAM).catch(() => undefined))) throw error;
    });
  }
  const consumerConfig = {
    durable_name: WORK_CONSUMER,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: WORK_ACK_WAIT_MS * 1_000_000,
    max_ack_pending: DISPATCH_MAX_ACK_PENDING,
    filter_subject: Subjects.work.all,
  };
  const existing = await jsm.consumers.info(WORK_STREAM, WORK_CONSUMER).catch(() => undefined);
  if (!existing) await jsm.consumers.add(WORK_STREAM, consumerConfig).catch(() => undefined);
  else await raiseMaxAckPending(jsm, WORK_STREAM, WORK_CONSUMER, existing.config);
  return jsm;
}

/**
 * First attempts on the JetStream event store are dispatched from the log itself (LOG_DISPATCH_CONSUMER, no second
 * write); the work queue keeps the retries (durable retry timers) and, on other stores, every attempt. Where log
 * dispatch starts, or undefined when it does not apply. Called by the relay and the executors at start.
 */
export async function openLogDispatch(nc: NatsConnection, config: Pick<SchedConfig, 'eventStore'>, resumeAfterSeq?: number): Promise<LogDispatch | undefined> {
  if (config.eventStore !== 'jetstream') return undefined;
  return ensureLogDispatch(await jetstreamManager(nc), DEFAULT_STREAM_NAME, WORK_ACK_WAIT_MS, resumeAfterSeq);
}
