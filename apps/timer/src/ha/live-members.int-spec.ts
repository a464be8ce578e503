import { Kvm, type KV } from '@nats-io/kv';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats } from '@sched/messaging';
import { startTestNats, type TestNats } from '../../../../test/support/nats';
import { LiveMembers } from './live-members';

const TTL_MS = 1_200;

describe('LiveMembers (a real nats-server: KV bucket with a TTL, one watcher)', () => {
  let nats: TestNats;
  let nc: NatsConnection;
  let kv: KV;
  let bucket = 0;
  const streamOf = (): string => `KV_members_${bucket}`;

  beforeAll(async () => {
    nats = await startTestNats();
    nc = await connectNats(nats.url, 'live-members-spec');
  });
  beforeEach(async () => {
    kv = await new Kvm(nc).create(`members_${(bucket += 1)}`, { ttl: TTL_MS, history: 1 });
  });
  afterAll(async () => {
    await nc?.close();
    await nats?.cleanup();
  });

  it('counts every member that put its key, as of the revision of the caller’s own put', async () => {
    await kv.put('m.a', '1');
    await kv.put('m.b', '1');
    const members = await LiveMembers.watch(nc, kv, 'm.>', TTL_MS);
    try {
      expect(await members.countAsOf(await kv.put('m.c', '1'))).toBe(3);
      await kv.put('other.key', '1'); // not a membership key
      expect(await members.countAsOf(await kv.put('m.c', '2'))).toBe(3);
    } finally {
      members.stop();
    }
  });

  it('drops a member at once when it deletes its key, and one that stopped putting after the TTL', async () => {
    const now = { ms: 1_000_000 };
    const members = await LiveMembers.watch(nc, kv, 'm.>', TTL_MS, () => now.ms);
    try {
      await kv.put('m.a', '1');
      await kv.put('m.b', '1');
      expect(await members.countAsOf(await kv.put('m.self', '1'))).toBe(3);
      await kv.delete('m.a');
      expect(await members.countAsOf(await kv.put('m.self', '2'))).toBe(2);
      now.ms += TTL_MS + 1; // m.b put nothing since; m.self puts again
      expect(await members.countAsOf(await kv.put('m.self', '3'))).toBe(1);
    } finally {
      members.stop();
    }
  });

  it('uses one consumer however often it counts (kv.keys() made one per count, kept 5 minutes by the server)', async () => {
    const members = await LiveMembers.watch(nc, kv, 'm.>', TTL_MS);
    const jsm = await jetstreamManager(nc);
    const consumers = async (): Promise<number> => (await jsm.streams.info(streamOf())).state.consumer_count;
    try {
      for (let i = 0; i < 20; i += 1) await members.countAsOf(await kv.put('m.self', String(i)));
      expect(await consumers()).toBe(1);
    } finally {
      members.stop();
    }
  });

  it('never counts fewer than the caller, and a stopped watcher answers at once', async () => {
    const members = await LiveMembers.watch(nc, kv, 'm.>', TTL_MS);
    members.stop();
    const startMs = Date.now();
    expect(await members.countAsOf(Number.MAX_SAFE_INTEGER)).toBe(1);
    expect(Date.now() - startMs).toBeLessThan(TTL_MS);
  });
});

describe('LiveMembers when its connection closes for good', () => {
  it('stops watching again (no retry loop left behind)', async () => {
    const nats = await startTestNats();
    const nc = await connectNats(nats.url, 'live-members-closing');
    try {
      const kv = await new Kvm(nc).create('members_closing', { ttl: TTL_MS, history: 1 });
      const members = await LiveMembers.watch(nc, kv, 'm.>', TTL_MS);
      const rewatch = jest.spyOn(members as unknown as { rewatch(): Promise<void> }, 'rewatch');
      await nc.close();
      await new Promise((resolve) => setTimeout(resolve, 600)); // two re-watch periods
      expect(rewatch).not.toHaveBeenCalled();
      expect(await members.countAsOf(Number.MAX_SAFE_INTEGER)).toBe(1); // answers from what it had, after the TTL
    } finally {
      await nats.cleanup();
    }
  });
});
