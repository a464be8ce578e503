import type { NatsConnection } from '@nats-io/transport-node';
import { Subjects, type ProjectorInstanceView } from '@sched/contracts';

/** Instances answer at once: a roll call ends this long after the last answer (or after ROLL_CALL_MAX_WAIT_MS). */
const ROLL_CALL_STALL_MS = 150;
const ROLL_CALL_MAX_WAIT_MS = 1_000;
/** Whoever watches instances by the roll call (a rebuild's caller, its coordinator, a held instance) calls it this often... */
export const ROLL_CALL_EVERY_MS = 2_000;
/** ...and takes one missing from this many roll calls in a row for gone (a single roll call may miss a busy instance). */
export const MISSED_ROLL_CALLS = 2;

/** Every projector instance's answer to one roll call (`sched.cmd.projector.instances`), one per instance id, by id. */
export async function callProjectorRoll(nc: NatsConnection): Promise<ProjectorInstanceView[]> {
  const answers = await nc.requestMany(Subjects.admin.projectorInstances, '{}', { strategy: 'stall', stall: ROLL_CALL_STALL_MS, maxWait: ROLL_CALL_MAX_WAIT_MS });
  const instances = new Map<string, ProjectorInstanceView>();
  for await (const answer of answers) {
    const instance = answer.json<ProjectorInstanceView>();
    instances.set(instance.instanceId, instance);
  }
  return [...instances.values()].sort((a, b) => a.instanceId.localeCompare(b.instanceId));
}
