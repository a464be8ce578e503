import { ANY, BACKWARDS, END, StreamNotFoundError, jsonEvent, type KurrentDBClient } from '@kurrent/kurrentdb-client';
import type { CheckpointStore } from '../checkpointed-subscription';
import { withRetries } from './kurrentdb-calls';

export const CHECKPOINT_STREAM_PREFIX = '$sched-checkpoint-';
const CHECKPOINT_EVENT_TYPE = 'SchedCheckpoint';

/**
 * Subscriber checkpoints in KurrentDB itself: one stream per subscriber, `$sched-checkpoint-<namespace><name>`, whose
 * last event holds the position. The '$' keeps these streams out of every $all read of the store (system streams are
 * filtered out); `$maxCount: 1` lets the server scavenge older checkpoints.
 */
export function kurrentDbCheckpointStore(client: KurrentDBClient, namespace: string, deadlineMs: number): CheckpointStore {
  const limited = new Set<string>();
  const streamOf = (name: string): string => `${CHECKPOINT_STREAM_PREFIX}${namespace}${name}`;
  return {
    load: async (name) => {
      const stream = streamOf(name);
      const last = await withRetries(
        async () => {
          try {
            for await (const resolved of client.readStream<{ type: string; data: { position: number } }>(stream, {
              direction: BACKWARDS,
              fromRevision: END,
              maxCount: 1,
            })) {
              return resolved.event?.data.position;
            }
          } catch (error) {
            if (error instanceof StreamNotFoundError) return undefined;
            throw error;
          }
          return undefined;
        },
        { what: 'load checkpoint', streamId: stream },
        deadlineMs,
      );
      return typeof last === 'number' && Number.isFinite(last) ? last : undefined;
    },
    save: async (name, position) => {
      const stream = streamOf(name);
      if (!limited.has(stream)) {
        await withRetries(() => client.setStreamMetadata(stream, { maxCount: 1 }), { what: 'checkpoint metadata', streamId: stream }, deadlineMs);
        limited.add(stream);
      }
      const event = jsonEvent({ type: CHECKPOINT_EVENT_TYPE, data: { position } });
      await withRetries(() => client.appendToStream(stream, event, { streamState: ANY }), { what: 'save checkpoint', streamId: stream }, deadlineMs);
    },
  };
}
