import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NatsConnection } from '@nats-io/transport-node';
import { ErrorCode, Subjects, type RebuildView } from '@sched/contracts';
import { SchedClientError } from './errors';
import { MISSED_ROLL_CALLS, ROLL_CALL_EVERY_MS, callProjectorRoll } from './projector-roll-call';
import { requestReply } from './request';


/**
 * `sched.cmd.projector.rebuild`, watched: the one projector the command reaches (a queue group) coordinates the
 * rebuild of every instance and watches those it asks, but nobody watches it. Dead, it never answered, and the
 * caller waited out its timeout (10 minutes for schedctl). So the caller calls the roll while it waits, and fails
 * UNAVAILABLE once no instance has said it coordinates this rebuild (its commandId, made here when the caller gave
 * none) for MISSED_ROLL_CALLS roll calls in a row. Needs `sched.cmd.projector.instances`, which every role that
 * may send a rebuild may publish to (admin, gateway, standalone).
 */
export async function watchedRebuild(nc: NatsConnection, input: Record<string, unknown>, timeoutMs: number): Promise<RebuildView> {
  const subject = Subjects.admin.projectorRebuild;
  // A commandId that is no string is the server's to refuse (VALIDATION), not ours to watch for.
  if (input.commandId !== undefined && typeof input.commandId !== 'string') return requestReply<RebuildView>(nc, subject, input, timeoutMs);
  const commandId = input.commandId ?? randomUUID();
  const settled = new AbortController();
  try {
    return await Promise.race([requestReply<RebuildView>(nc, subject, { ...input, commandId }, timeoutMs), coordinatorGone(nc, commandId, settled.signal)]);
  } finally {
    settled.abort();
  }
}

/** Rejects UNAVAILABLE once the rebuild's coordinator is gone (see watchedRebuild); never, once `settled` aborts. */
async function coordinatorGone(nc: NatsConnection, commandId: string, settled: AbortSignal): Promise<never> {
  let coordinator: string | undefined;
  // Counted from the start too: a coordinator that died before the first roll call is never named at all.
  for (let missed = 0; missed < MISSED_ROLL_CALLS; ) {
    await sleep(ROLL_CALL_EVERY_MS, undefined, { signal: settled }).catch(() => undefined);
    if (settled.aborted) return new Promise<never>(() => undefined);
    const roll = await callProjectorRoll(nc).catch(() => undefined);
    if (roll === undefined) continue; // no roll call (NATS reconnecting, say): no verdict either way
    const now = roll.find((instance) => instance.coordinating?.includes(commandId));
    if (now) {
      coordinator = now.instanceId;
      missed = 0;
    } else if (roll.every((instance) => instance.coordinating !== undefined)) {
      missed += 1; // (a projector older than this SDK never says what it coordinates: it may be the one, alive)
    }
  }
  const named = coordinator ?? 'none answered the roll call as coordinating it';
  throw new SchedClientError(
    ErrorCode.UNAVAILABLE,
    `the projector coordinating the rebuild (${named}) stopped answering the roll call (it died, or lost NATS); some instances may not have been rebuilt; run the rebuild again`,
    { commandId, coordinator: coordinator ?? null, missedRollCalls: MISSED_ROLL_CALLS },
    Subjects.admin.projectorRebuild,
  );
}
