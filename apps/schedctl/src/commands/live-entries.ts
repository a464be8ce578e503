import { JetStreamApiCodes, JetStreamApiError, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';

/**
 * The keys a registry bucket holds under `prefix` (without it), each one's latest value a put; none when the bucket
 * does not exist. Listed from the bucket stream's subjects (one request) and read key by key, not with `kv.keys()`:
 * that lists through a consumer which, on nats-server 2.9, never reports the last key as the last while a key is
 * being written (a timer renews its membership every 300 ms), so it waited for a quiet moment that never came and
 * `schedctl import` hung.
 */
export async function liveEntries(nc: NatsConnection, bucket: string, prefix = ''): Promise<string[]> {
  const jsm = await jetstreamManager(nc);
  const keyPrefix = `$KV.${bucket}.`;
  let subjects: string[];
  try {
    const info = await jsm.streams.info(`KV_${bucket}`, { subjects_filter: `${keyPrefix}${prefix}>` });
    subjects = Object.keys(info.state.subjects ?? {});
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) return []; // nothing ever registered
    throw error;
  }
  const kv = await new Kvm(nc).open(bucket);
  const names: string[] = [];
  for (const subject of subjects) {
    const key = subject.slice(keyPrefix.length);
    const entry = await kv.get(key);
    if (entry?.operation === 'PUT') names.push(key.slice(prefix.length));
  }
  return names.sort();
}
