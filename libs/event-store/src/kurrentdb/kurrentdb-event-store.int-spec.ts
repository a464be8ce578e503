import { randomUUID } from 'node:crypto';
import { MemorySnapshotStore } from '../snapshots';
import { testEventStore } from '../testing/event-store.contract';
import { Collector, events, streamId, waitFor } from '../testing/fixtures';
import { createKurrentDbEventStore, type KurrentDbEventStore } from './kurrentdb-event-store';
import { KurrentDbWorkDispatch, type KurrentDbWorkItem } from './kurrentdb-work-dispatch';

/**
 * The shared contract suite against a real KurrentDB, e.g. KURRENTDB_URL='kurrentdb://127.0.0.1:2113?tls=false'
 * (`docker compose up kurrentdb`). There is no server on the development machines, so without the variable the suite is
 * reported as skipped. Each test gets its own namespace: an "empty store" on a shared server.
 */
const url = process.env.KURRENTDB_URL;

// Snapshots in a map: what the contract checks is this store's side of them (reads from a revision, event ids).
const openStore = (): Promise<KurrentDbEventStore> =>
  createKurrentDbEventStore(url as string, { namespace: `t${randomUUID().slice(0, 8)}_`, snapshots: new MemorySnapshotStore() });

if (!url) {
  console.log('KURRENTDB_URL is not set: the KurrentDB event store contract suite is SKIPPED (set KURRENTDB_URL to run it)');
  describe.skip('kurrentdb event store contract (needs KURRENTDB_URL)', () => {
    it('runs the shared contract suite against a KurrentDB server', () => undefined);
  });
} else {
  testEventStore('kurrentdb', async () => {
    const store = await openStore();
    return { store, cleanup: () => store.close() };
  });

  describe('kurrentdb work dispatch (persistent subscription to $all)', () => {
    it('spreads work over two consumers of one group, redelivers a nacked item and acks the rest', async () => {
      const store = await openStore();
      const { namespace } = store;
      const dispatch = () =>
        new KurrentDbWorkDispatch(store.client, { group: `work-${namespace}`, namespace, filter: { eventTypes: ['Work'] }, from: 'start' });
      await dispatch().ensureGroup();
      const controller = new AbortController();
      const handled: string[] = [];
      let nacked = false;
      const consume = async (items: AsyncGenerator<KurrentDbWorkItem>) => {
        for await (const item of items) {
          if (!nacked) {
            nacked = true;
            await item.nack('retry', 'first delivery fails');
            continue;
          }
          handled.push(item.event.id);
          await item.ack();
        }
      };
      const consumers = [consume(dispatch().items(controller.signal)), consume(dispatch().items(controller.signal))];
      const work = events(10, 'Work');
      for (const event of work) await store.append(streamId('execution'), [event], { expected: 'no_stream' });
      await store.append(streamId('execution'), events(3, 'Noise'), { expected: 'no_stream' });
      await waitFor(() => new Set(handled).size === work.length, () => `10 handled, got ${handled.length}`, 20_000);
      controller.abort();
      await Promise.all(consumers);
      await dispatch().deleteGroup();
      await store.close();
      expect(new Set(handled)).toEqual(new Set(work.map((event) => event.id)));
    });

    it('delivers live events to a plain subscription after they are appended', async () => {
      const store = await openStore();
      const collector = new Collector(store.subscribeAll({ from: 'end' }));
      const [event] = events(1, 'Live');
      await store.append(streamId('task'), [event], { expected: 'no_stream' });
      await collector.until(event.id);
      await collector.close();
      await store.close();
    });
  });
}
