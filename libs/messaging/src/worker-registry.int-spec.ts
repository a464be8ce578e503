import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startTestNats, type TestNats } from '../../../test/support/nats';
import { waitFor } from '../../../test/support/system';
import { WorkerRegistry } from './worker-registry';

/** Two registries on separate connections stand for two executor processes, against a real nats-server's KV. */
describe('worker registry (NATS KV, entries expire)', () => {
  const TTL_MS = 1_500;
  let nats: TestNats;
  const connections: NatsConnection[] = [];
  const open = async (workerId: string) => {
    const nc = await connect({ servers: nats.url });
    connections.push(nc);
    return WorkerRegistry.open(nc, workerId, TTL_MS);
  };

  beforeAll(async () => {
    nats = await startTestNats();
  });
  afterAll(async () => {
    await Promise.all(connections.map((nc) => nc.close()));
    await nats?.cleanup();
  });

  it('a worker is alive while it refreshes, gone once it stops for the TTL; ids of any shape are keys', async () => {
    const refreshing = await open('host-1/worker #7:ünïcode');
    refreshing.start(300);
    const stopped = await open('vm-4242');
    const reader = await open('reader');
    expect(await reader.isAlive('host-1/worker #7:ünïcode')).toBe(true);
    expect(await reader.isAlive('vm-4242')).toBe(true);
    expect(await reader.isAlive('never-here')).toBe(false);

    // The TTL counts from the entry's last write: note the time before a last refresh (the opening write is older by
    // however long the reads above took on a busy machine), then stop as a crashed process would.
    const started = Date.now();
    await stopped.refresh();
    stopped.close();
    await waitFor(async () => !(await reader.isAlive('vm-4242')), 10_000, 'the stopped worker to expire');
    expect(Date.now() - started).toBeGreaterThanOrEqual(TTL_MS - 100);
    expect(await reader.isAlive('host-1/worker #7:ünïcode')).toBe(true); // kept alive by its refreshes meanwhile
    refreshing.close();
  });
});
