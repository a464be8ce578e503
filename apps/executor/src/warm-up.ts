import { isoTime, scheduledExecutionId, toExecutionStreamId, type TaskDue } from '@sched/contracts';
import { executionDecider } from '@sched/domain';
import { HashChainingEventStore, MemoryEventStore, toEnvelopes } from '@sched/event-store';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ExecutorRegistry } from '@sched/executors';
import { firstAttemptOf } from '@sched/messaging';
import { AttemptAbort } from './attempt-abort';
import { runAttempt } from './attempt-runner';
import { ExecutionActor } from './execution-actor';
import { triageWorkItem } from './work-item-triage';

/** The task id the warm-up's executions name: no task of a real system has it (ids are UUIDs). */
export const WARM_UP_TASK_ID = 'executor-warm-up';
/** The built-in executor the warm-up runs: it does nothing, so what warms is the executor's own code. */
const WARM_UP_EXECUTOR = 'noop';

/** The TaskDue the timer records for an on-time fire of a task with the defaults (fire-ahead: notBefore set). */
function warmUpDue(scheduledAtMs: number): TaskDue['data'] {
  const at = isoTime(scheduledAtMs);
  const executionId = scheduledExecutionId(WARM_UP_TASK_ID, scheduledAtMs);
  return { taskId: WARM_UP_TASK_ID, executionId, executor: WARM_UP_EXECUTOR, config: {}, scheduledAt: at, reason: 'schedule', taskRevision: 0, notBefore: at };
}

/**
 * Runs `count` no-op executions through the executor's own code — the timer's TaskDue, the actor, the execution
 * decider, the hash chain, the attempt runner, the group commit of start and end — on a store of its own in memory,
 * before the executor takes any work, then drops that store: nothing reaches the event log, the metrics or the logs.
 * Why: a fresh executor's code is JIT-cold, and when the first thing it gets is a burst (a restart just before the
 * top of the minute, a backlog) it runs the burst interpreted, several times slower. On a slow day of a 2-core
 * machine a cold executor thread, 100% busy, fell behind 1k fires/s for the whole burst (median start 5–632 ms late,
 * ten runs); warmed, 1–37 (see the README's Benchmarks). nats.js and the store adapter stay cold: warming them
 * would take writes to the server.
 * `groupCommitMs`: the hold the executor starts attempts with. Returns how many ran (none without a `noop` executor);
 * throws when one does not end succeeded: the path real work takes is broken.
 */
export async function warmUpExecutionPath(registry: ExecutorRegistry, workerId: string, count: number, groupCommitMs: number): Promise<number> {
  const executor = registry.get(WARM_UP_EXECUTOR);
  if (!executor || count <= 0) return 0;
  const store = new HashChainingEventStore(new MemoryEventStore());
  const firstMs = Date.now();
  for (let i = 0; i < count; i++) {
    const due = warmUpDue(firstMs + i);
    const streamId = toExecutionStreamId(due.executionId);
    const events = executionDecider.decide({ type: 'ScheduleExecution', data: due }, executionDecider.initialState());
    const cause = { correlationId: due.executionId, causationId: due.executionId, actor: 'timer:warm-up', nowMs: Date.now() };
    await store.append(streamId, toEnvelopes(events, cause), { expected: 'no_stream' });
    const actor = new ExecutionActor(store, due.executionId, workerId);
    const item = firstAttemptOf(due)!;
    if (triageWorkItem(actor.seed(await store.read(streamId)), item, 1, Date.now()) !== 'start') {
      throw new Error(`executor warm-up: ${due.executionId} was not startable`);
    }
    await actor.start(item.attempt, groupCommitMs);
    await runAttempt({ actor, executor, attempt: item.attempt, abort: new AttemptAbort(), heartbeat: () => undefined });
    if (actor.current.status !== 'succeeded') throw new Error(`executor warm-up: ${due.executionId} ended ${actor.current.status}`);
  }
  return count;
}

/** JetStream's account info: a request every client with JetStream access may send, which changes nothing. */
const ACCOUNT_INFO_SUBJECT = '$JS.API.INFO';
const NATS_WARM_UP_IN_FLIGHT = 16;
const NATS_WARM_UP_TIMEOUT_MS = 2_000;

/**
 * Sends `count` JetStream account-info requests on the executor's connection, 16 in flight: the nats.js code every
 * append, ack and delivery rides on (publish, the protocol parser, the request mux) runs warm from the first burst.
 * It reads nothing of the log and writes nothing (a warm-up through the store would have to write to the server).
 * After the in-memory warm-up, nine interleaved first bursts on the standalone's thread (README, Benchmarks): p99
 * 12–141 ms, median 25, against 14–282, median 58, without it.
 * Returns how many were answered; the first failure ends it (the server refuses, or is away) with an error.
 */
export async function warmUpNatsClient(nc: NatsConnection, count: number): Promise<number> {
  let answered = 0;
  while (answered < count) {
    const batch = Math.min(NATS_WARM_UP_IN_FLIGHT, count - answered);
    await Promise.all(Array.from({ length: batch }, () => nc.request(ACCOUNT_INFO_SUBJECT, undefined, { timeout: NATS_WARM_UP_TIMEOUT_MS })));
    answered += batch;
  }
  return answered;
}

/**
 * Both warm-ups, `count` each, before any work is taken (none for 0). A failure is logged and start-up goes on (they
 * only warm): an error when the execution path itself is broken, a warning when the server did not answer.
 */
export async function warmUpExecutor(
  registry: ExecutorRegistry,
  nc: NatsConnection,
  workerId: string,
  count: number,
  groupCommitMs: number,
  logger: { log(message: string): void; warn(message: string): void; error(message: string): void },
): Promise<void> {
  if (count === 0) return;
  const startMs = Date.now();
  const ran = await warmUpExecutionPath(registry, workerId, count, groupCommitMs).catch((error: unknown) => {
    logger.error(`warm-up: ${String(error)} (the executor starts anyway)`);
    return 0;
  });
  const answered = await warmUpNatsClient(nc, count).catch((error: unknown) => {
    logger.warn(`warm-up: a JetStream account-info request failed, the rest skipped: ${String(error)}`);
    return 0;
  });
  logger.log(`warmed up in ${Date.now() - startMs} ms: ${ran} no-op executions in memory, ${answered} JetStream account-info requests`);
}
