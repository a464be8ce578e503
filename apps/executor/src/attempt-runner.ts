import type { JsMsg } from '@nats-io/jetstream';
import type { ExecutionError } from '@sched/contracts';
import { ExecutorError, type ExecutorLogger, type TaskExecutor } from '@sched/executors';
import type { ExecutionActor } from './execution-actor';

/** In-progress acks while the attempt runs: they are the heartbeat that keeps JetStream from redelivering it. */
const HEARTBEAT_INTERVAL_MS = 5_000;

export function toExecutionError(error: unknown): ExecutionError {
  if (error instanceof ExecutorError) return { type: error.type, message: error.message, retryable: error.retryable };
  if (error instanceof Error) return { type: error.name || 'Error', message: error.message, retryable: true };
  return { type: 'Error', message: String(error), retryable: true };
}

export interface AttemptOutcome {
  readonly aborted: boolean;
}

/**
 * Runs one attempt of an execution that the actor has just started: parses the config, calls the executor,
 * records progress and the outcome through the actor. Returns whether it was aborted by shutdown (then nothing
 * final is recorded and the work item is left for redelivery).
 */
export async function runAttempt(
  actor: ExecutionActor,
  executor: TaskExecutor<unknown>,
  attempt: number,
  msg: JsMsg,
  signal: AbortSignal,
  logger: ExecutorLogger,
): Promise<AttemptOutcome> {
  const state = actor.current;
  if (state.status === 'none') throw new Error('attempt runner needs a loaded execution');
  const heartbeat = setInterval(() => msg.working(), HEARTBEAT_INTERVAL_MS);
  try {
    const config = executor.configSchema.safeParse(state.due.config);
    if (!config.success) {
      await actor.fail(attempt, { type: 'InvalidConfig', message: config.error.message, retryable: false });
      return { aborted: false };
    }
    const result = await executor.execute({
      config: config.data,
      execution: { executionId: actor.executionId, taskId: state.due.taskId, scheduledAt: state.due.scheduledAt, attempt },
      signal,
      progress: (percent, message, data) => actor.progress(attempt, percent, message, data),
      heartbeat: () => msg.working(),
      logger,
    });
    await actor.succeed(attempt, result);
    return { aborted: false };
  } catch (error) {
    if (signal.aborted) return { aborted: true };
    await actor.fail(attempt, toExecutionError(error));
    return { aborted: false };
  } finally {
    clearInterval(heartbeat);
  }
}
