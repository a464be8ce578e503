import type { DomainEvent } from '@sched/contracts';
import { readState } from '../command-handler';
import type { EventStore } from '../event-store.port';
import { events, streamId, type EventStoreFixture } from './fixtures';
import { processView } from './process-view';

interface Count {
  readonly events: number;
}

/** A decider that counts its stream's events, with a codec: the smallest one snapshots apply to. */
const counting = {
  initialState: (): Count => ({ events: 0 }),
  evolve: (state: Count, _event: DomainEvent): Count => ({ events: state.events + 1 }),
  snapshots: { name: 'count', version: 1, encode: (state: Count) => state, decode: (encoded: unknown) => encoded as Count },
};

/** Snapshots with this store: its read from a revision and its event ids are what a snapshot is checked against. */
export function testSnapshots(fixture: () => EventStoreFixture): void {
  describe('snapshots of long streams', () => {
    it('a process that never folded a long stream starts from its snapshot and reads only what came after it', async () => {
      const { store } = fixture();
      expect(store.snapshots).toBeDefined();
      const id = streamId();
      let expected: number | 'no_stream' = 'no_stream';
      for (let i = 0; i < 11; i += 1) expected = (await store.append(id, events(100), { expected })).nextExpectedVersion;
      expect((await readState(store, id, counting)).events).toBe(1_100); // read whole: a snapshot at revision 1,099
      // Saved in the background: wait for it (up to 5 s).
      for (let wait = 0; wait < 100 && (await store.snapshots!.load(id))?.revision !== 1_099; wait += 1) await new Promise((resolve) => setTimeout(resolve, 50));
      expect((await store.snapshots!.load(id))?.revision).toBe(1_099);
      await store.append(id, events(5), { expected });

      const restarted = processView(store as EventStore);
      expect((await readState(restarted.view, id, counting)).events).toBe(1_105);
      expect(restarted.eventsRead()).toBe(6); // the snapshot's own event and the 5 after it
    });
  });
}
