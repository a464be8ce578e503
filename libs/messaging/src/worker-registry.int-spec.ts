import { useTestNatsConnections } from '../../../test/support/nats';
import { waitFor } from '../../../test/support/system';
import { WorkerRegistry } from './worker-registry';

/** Two registries on separate connections stand for two executor processes, against a real nats-server's KV. */
describe('worker registry (NATS KV, entries expire)', () => {
  const TTL_MS = 1_500;
  const servers = useTestNatsConnections();
  const open = async (workerId: string) => WorkerRegistry.open(await servers.connect(), workerId, TTL_MS);

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
