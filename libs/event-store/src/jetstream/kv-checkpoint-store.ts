import type { JetStreamClient } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { CheckpointStore } from '../checkpointed-subscription';
import type { ResilientCalls } from './resilient-calls';

/** Subscriber checkpoints in a NATS KV bucket (created if missing): key = subscriber name, value = position. */
export async function openKvCheckpointStore(
  js: JetStreamClient,
  calls: ResilientCalls,
  bucket: string,
): Promise<CheckpointStore> {
  const kv = await calls.run('open checkpoint bucket', () => new Kvm(js).create(bucket, { history: 1 }));
  return {
    load: async (name) => {
      const entry = await calls.run('load checkpoint', () => kv.get(name));
      if (!entry || entry.operation !== 'PUT') return undefined;
      const position = Number(entry.string());
      return Number.isFinite(position) ? position : undefined;
    },
    save: async (name, position) => {
      await calls.run('save checkpoint', () => kv.put(name, String(position)));
    },
  };
}
