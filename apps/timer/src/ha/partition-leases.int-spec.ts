import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats } from '@sched/messaging';
import { startTestNats, type TestNats } from '../../../../test/support/nats';
import { waitFor } from '../../../../test/support/wait-for';
import { LEASES_BUCKET, PartitionLeases, WATERMARKS_BUCKET, type PartitionListener } from './partition-leases';

const options = { partitions: 16, ttlMs: 1_200, renewEveryMs: 400 };
const listener = (): PartitionListener & { readonly owned: Set<number> } => {
  const owned = new Set<number>();
  return { owned, acquired: (partition) => owned.add(partition), lost: (partition) => owned.delete(partition) };
};

describe('PartitionLeases.stop (a real nats-server)', () => {
  let nats: TestNats;
  let nc: NatsConnection;

  beforeAll(async () => {
    nats = await startTestNats();
    nc = await connectNats(nats.url, 'partition-leases-spec');
  });
  afterAll(async () => {
    await nc?.close();
    await nats?.cleanup();
  });

  it('hands every partition back at once, for the others to take without waiting for the TTL', async () => {
    const partitions = listener();
    const leases = await PartitionLeases.start(nc, 'timer-a', options, partitions);
    expect(partitions.owned.size).toBe(16);
    await leases.stop(Date.now());
    expect(partitions.owned.size).toBe(0);
    const kv = await new Kvm(nc).open(LEASES_BUCKET);
    for (let p = 0; p < 16; p += 1) expect((await kv.get(`p.${p}`))?.operation ?? 'none').not.toBe('PUT');
  });

  it('gives a partition back when its watermark cannot be read: none is held and renewed without being fired', async () => {
    // The first watermark read fails, as a timed-out request on a slow or reconnecting server does.
    const create = Kvm.prototype.create;
    let failed = false;
    const spy = jest.spyOn(Kvm.prototype, 'create').mockImplementation(async function (this: Kvm, name, opts) {
      const kv = await create.call(this, name, opts);
      if (name !== WATERMARKS_BUCKET) return kv;
      const get = kv.get.bind(kv);
      kv.get = async (key) => {
        if (failed) return get(key);
        failed = true;
        throw new Error(`TIMEOUT (injected) reading ${key}`);
      };
      return kv;
    });
    const partitions = listener();
    const leases = await PartitionLeases.start(nc, 'timer-w', { partitions: 4, ttlMs: 1_200, renewEveryMs: 300 }, partitions);
    spy.mockRestore();
    try {
      expect(failed).toBe(true);
      // The partition given back is taken again at a later tick, this time with its watermark.
      await waitFor(() => partitions.owned.size === 4, 5_000, 'all 4 partitions handed to the timer');
      expect(leases.ownedPartitions()).toEqual([...partitions.owned].sort((a, b) => a - b));
    } finally {
      await leases.stop(Date.now());
    }
  });

  it('does not hold up a stop when the server is gone (16 releases used to wait out their timeouts one by one)', async () => {
    const leases = await PartitionLeases.start(nc, 'timer-b', options, listener());
    await nats.kill('SIGKILL');
    const started = Date.now();
    await leases.stop(Date.now());
    expect(Date.now() - started).toBeLessThan(4_000); // its 3 s deadline, a renewal in flight included
  }, 30_000);
});
