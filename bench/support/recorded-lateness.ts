import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { TaskDue, TaskStarted } from '@sched/contracts';
import { DEFAULT_STREAM_NAME, createJetStreamEventStore, lastPositionOfCommit } from '@sched/event-store';

/** An execution's scheduled instant and how late its first attempt started, both as the log recorded them. */
export type Lateness = readonly [scheduledAtMs: number, latenessMs: number];

/** Where the log ends now: the executions recorded after it are the ones `recordedLateness` reads. */
export async function logHead(nc: NatsConnection): Promise<number> {
  return (await (await jetstreamManager(nc)).streams.info(DEFAULT_STREAM_NAME)).state.last_seq;
}

/**
 * Fire lateness read back from the log after the run (TaskStarted.startedAt − TaskDue.scheduledAt of first attempts
 * recorded after `afterSeq`), rather than by a live subscriber: one beside the system would parse every execution
 * event in the system's own process while it is measured (3k messages/s at 1k fires/s), a load no user puts there.
 */
export async function recordedLateness(nc: NatsConnection, afterSeq: number): Promise<Lateness[]> {
  const store = await createJetStreamEventStore(nc);
  const scheduledAt = new Map<string, number>();
  const lateness: Lateness[] = [];
  const after = lastPositionOfCommit(afterSeq);
  try {
    for await (const event of store.readAll({ from: { after }, filter: { streamPrefixes: ['execution-'], eventTypes: ['TaskDue', 'TaskStarted'] } })) {
      if (event.type === 'TaskDue') scheduledAt.set(event.streamId, Date.parse((event.data as TaskDue['data']).scheduledAt));
      const at = scheduledAt.get(event.streamId);
      if (event.type === 'TaskStarted' && (event.data as TaskStarted['data']).attempt === 1 && at !== undefined) {
        lateness.push([at, Date.parse((event.data as TaskStarted['data']).startedAt) - at]);
        scheduledAt.delete(event.streamId);
      }
    }
  } finally {
    await store.close();
  }
  return lateness;
}
