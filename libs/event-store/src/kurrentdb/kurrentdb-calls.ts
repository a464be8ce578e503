import { sleep } from '../abortable-sleep';
import { EventStoreUnavailableError } from '../errors';
import { within } from '../within';
import { isTransientKurrentError, toPortError, type ErrorContext } from './kurrentdb-errors';

/** How long one store operation keeps retrying a server that is down or electing a leader. */
export const DEFAULT_OPERATION_DEADLINE_MS = 15_000;


/** Bounds one attempt: reads through the client's Rust bridge take no gRPC deadline, so a dead peer could hang them. */
export function withTimeout<T>(attempt: Promise<T>, ms: number, what: string): Promise<T> {
  return within(attempt, ms, () => new EventStoreUnavailableError(`event store unavailable (kurrentdb ${what}): no answer within ${ms} ms`));
}

/**
 * Runs `op`, retrying transient failures (server down, not leader, timeout) with back-off until `deadlineMs`, then
 * throws the port's error (toPortError). An append retried after a lost answer is safe: KurrentDB recognises event
 * ids it already wrote with the same expected version and answers as for the first write (idempotent append).
 */
export async function withRetries<T>(op: () => Promise<T>, context: ErrorContext, deadlineMs: number, signal?: AbortSignal): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (let attempt = 0; ; attempt++) {
    // No longer wanted (see AppendOptions.signal): not sent again.
    if (signal?.aborted) throw new EventStoreUnavailableError(`event store unavailable (${context.what}): aborted`);
    try {
      return await withTimeout(op(), Math.max(1, deadline - Date.now()), context.what);
    } catch (error) {
      const retry = (isTransientKurrentError(error) || error instanceof EventStoreUnavailableError) && Date.now() < deadline;
      if (!retry) throw toPortError(error, context);
      await sleep(Math.min(25 * 2 ** Math.min(attempt, 8), 1000, Math.max(0, deadline - Date.now())));
    }
  }
}
