import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  ErrorCode,
  TASK_NAME_STREAM_PREFIX,
  toTaskStreamId,
  type RecordedEvent,
  type TaskNameEvent,
} from '@sched/contracts';
import { fold, taskDecider, taskNameDecider, type TaskNameCommand } from '@sched/domain';
import { WrongExpectedVersionError, readState, toEnvelopes, type CausationContext, type EventStore } from '@sched/event-store';
import { EVENT_STORE, toErrorBody } from '@sched/messaging';

/** Names may hold any character, stream ids may not: the stream is named by the name's sha256. */
export const toTaskNameStreamId = (name: string): string =>
  `${TASK_NAME_STREAM_PREFIX}${createHash('sha256').update(name, 'utf8').digest('hex')}`;

/**
 * A claim its holder's stream does not show yet belongs to a create or rename under way for this long; after it, the
 * command is taken to have crashed between its claim and its TaskCreated or TaskUpdated, and the name is free again.
 */
export const CLAIM_GRACE_MS = 30_000;
const MAX_ROUNDS = 5;

/**
 * Unique task names without a multi-stream transaction. Each name has a reservation stream; a create or rename
 * claims the name there BEFORE it writes the task stream, appending with the expected version of what it read:
 * of two racing claims exactly one is appended, the other re-reads, finds the name held and is a CONFLICT. The task
 * stream stays the truth: a reservation whose holder does not have that name (deleted; renamed away, or never created
 * or renamed to it because its command crashed, after CLAIM_GRACE_MS) is stale and taken over, so a lost release
 * never locks a name.
 */
@Injectable()
export class TaskNameRegistry {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** Claims `name` for `taskId`, or throws CONFLICT naming the task that holds it. */
  async claim(name: string, taskId: string, context: CausationContext): Promise<void> {
    await this.run(name, context, async (state, lastClaimAtMs) => {
      const holdsIt = state.holder !== undefined && state.holder !== taskId
        ? await this.stillHolds(state.holder, name, lastClaimAtMs, context.nowMs)
        : false;
      return { type: 'ClaimName', data: { name, taskId, holderStillHolds: holdsIt } };
    });
  }

  /** Gives the name up if `taskId` holds it. */
  async release(name: string, taskId: string, context: CausationContext): Promise<void> {
    await this.run(name, context, async () => ({ type: 'ReleaseName', data: { name, taskId } }));
  }

  /**
   * `fn` runs while holding the claim. If it fails having appended nothing (refused, or lost a race), the claim is
   * released again (compensation) and the error rethrown. If its outcome is unknown, it is kept: its append may have
   * landed (ack lost), and a claim released then let a create of the same name win while the task existed under it.
   * A claim kept for an append that did not land is stale after CLAIM_GRACE_MS and taken over (see stillHolds).
   */
  async withClaim<T>(name: string, taskId: string, context: CausationContext, fn: () => Promise<T>): Promise<T> {
    await this.claim(name, taskId, context);
    try {
      return await fn();
    } catch (error) {
      if (appendedNothing(error)) await this.release(name, taskId, context).catch(() => undefined); // a stale claim is taken over later anyway
      throw error;
    }
  }

  private async run(
    name: string,
    context: CausationContext,
    command: (state: { holder?: string }, lastClaimAtMs: number) => Promise<TaskNameCommand>,
  ): Promise<void> {
    const streamId = toTaskNameStreamId(name);
    for (let round = 1; ; round += 1) {
      const history = await this.store.read(streamId);
      const state = fold(taskNameDecider, history as unknown as TaskNameEvent[]);
      const events = taskNameDecider.decide(await command(state, lastClaimAt(history)), state);
      if (events.length === 0) return;
      try {
        await this.store.append(streamId, toEnvelopes(events, context), { expected: history.length === 0 ? 'no_stream' : history.length - 1 });
        return;
      } catch (error) {
        if (!WrongExpectedVersionError.is(error) || round >= MAX_ROUNDS) throw error;
      }
    }
  }

  /**
   * The holder's own stream decides: it holds the name while it exists undeleted under that name, or, within the
   * grace of a fresh claim, while its create or rename may still be on its way (a rename claims before its
   * TaskUpdated, so the stream still has the old name: judged stale, a create of the same name got it too).
   */
  private async stillHolds(holder: string, name: string, claimedAtMs: number, nowMs: number): Promise<boolean> {
    const task = await readState(this.store, toTaskStreamId(holder), taskDecider);
    if (task.status === 'deleted') return false;
    return (task.status !== 'none' && task.definition.name === name) || nowMs - claimedAtMs < CLAIM_GRACE_MS;
  }
}

/**
 * Whether a failed command surely appended nothing: a refusal or a conflict, not UNAVAILABLE (a store or NATS
 * timeout, a lost connection: the append may have landed) nor INTERNAL (failed who knows where).
 */
function appendedNothing(error: unknown): boolean {
  const { code } = toErrorBody(error);
  return code !== ErrorCode.UNAVAILABLE && code !== ErrorCode.INTERNAL;
}

function lastClaimAt(history: readonly RecordedEvent[]): number {
  const claim = [...history].reverse().find((event) => event.type === 'TaskNameClaimed');
  return claim ? Date.parse(claim.metadata.occurredAt) : 0;
}
