import type { JsMsg } from '@nats-io/jetstream';
import type { KnownExecutionState } from '@sched/domain';
import { isOwnershipLost } from './attempt-runner';
import type { ExecutionActor } from './execution-actor';
import type { RunPermit } from './limits/concurrency-limits';
import { attemptRuns } from './work-item-triage';

export interface Supervision {
  readonly actor: ExecutionActor;
  readonly executionId: string;
  readonly attempt: number;
  readonly msg: JsMsg;
  readonly permit: RunPermit;
  readonly keepAliveMs: number;
  /** False once the executor stops: an outcome is then not retried through an outage. */
  readonly retryOutcomeWhile: () => boolean;
  /** The attempt is someone else's now: stop its work. */
  readonly lost: () => void;
  readonly warn: (message: string) => void;
}

/**
 * What watches a running attempt: its outcome outlasts an outage of the store (the work is done; running it again
 * as WorkerLost would repeat it), a held start that cannot be committed is reported, and every `keepAliveMs` its
 * work item and slot are kept and its stream read (another executor may have recorded its end, WorkerLost while NATS
 * was out, say: its work would otherwise run on beside the retry). Returns what stops the keep-alive.
 */
export function superviseAttempt(s: Supervision): () => void {
  const { actor, executionId, attempt } = s;
  actor.outcomeDurability = {
    retryWhile: s.retryOutcomeWhile,
    onRetry: (error) => s.warn(`${executionId} attempt ${attempt}: outcome not recorded yet, trying again: ${error.message}`),
  };
  actor.onHeldCommitFailed = (error) => {
    if (isOwnershipLost(error)) s.lost();
    else s.warn(`${executionId}: TaskStarted not recorded yet (retried with the next append): ${String(error)}`);
  };
  const keepAlive = setInterval(() => {
    s.msg.working();
    void s.permit.refresh();
    void actor
      .sync()
      .then(() => (attemptRuns(actor.current) && (actor.current as KnownExecutionState).attempt === attempt) || s.lost())
      .catch(() => undefined);
  }, s.keepAliveMs);
  return () => clearInterval(keepAlive);
}

/** `action`, at most once per `intervalMs` however often it is called. */
export function atMostEvery(intervalMs: number, action: () => void): () => void {
  let lastMs = Number.NEGATIVE_INFINITY;
  return () => {
    const now = Date.now();
    if (now - lastMs < intervalMs) return;
    lastMs = now;
    action();
  };
}
