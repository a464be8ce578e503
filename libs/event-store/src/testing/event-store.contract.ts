import { EventStoreUnavailableError, InvalidAppendError, WrongExpectedVersionError } from '../errors';
import { MAX_EVENTS_PER_APPEND, type EventStore } from '../event-store.port';
import { anEvent, drain, events, expectCommitOrder, streamId, type EventStoreFactory, type EventStoreFixture } from './fixtures';
import { testSnapshots } from './snapshot.contract';
import { testSubscriptions } from './subscription.contract';

export type { EventStoreFactory, EventStoreFixture } from './fixtures';

/**
 * The behaviour every EventStore adapter must have (emmett style: each adapter's spec calls this with a factory).
 * The factory is called per test and must give an empty store.
 */
export function testEventStore(name: string, factory: EventStoreFactory): void {
  describe(`${name} event store contract`, () => {
    let fixture: EventStoreFixture;
    let store: EventStore;
    beforeEach(async () => {
      fixture = await factory();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    describe('append', () => {
      it("rejects a second 'no_stream' append to the same stream", async () => {
        const id = streamId();
        await expect(store.append(id, events(1), { expected: 'no_stream' })).resolves.toMatchObject({ nextExpectedVersion: 0 });
        const second = store.append(id, events(1), { expected: 'no_stream' });
        await expect(second).rejects.toBeInstanceOf(WrongExpectedVersionError);
        await expect(second).rejects.toMatchObject({ streamId: id, expected: 'no_stream', actual: 0 });
      });

      it('lets exactly one of 20 concurrent appends with the same expected version win', async () => {
        const id = streamId();
        const first = await store.append(id, events(2), { expected: 'no_stream' });
        const outcomes = await Promise.allSettled(
          Array.from({ length: 20 }, () => store.append(id, events(1), { expected: first.nextExpectedVersion })),
        );
        const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
        const lost = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(19);
        for (const error of lost) expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect(await store.read(id)).toHaveLength(3);
      });

      it("lets exactly one of 20 concurrent 'no_stream' appends create the stream", async () => {
        const id = streamId();
        const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => store.append(id, events(1), { expected: 'no_stream' })));
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        expect(await store.read(id)).toHaveLength(1);
      });

      it('does not send an append that is no longer wanted (its signal aborted): unavailable, nothing appended', async () => {
        const id = streamId();
        const signal = AbortSignal.abort();
        await expect(store.append(id, events(1), { expected: 'no_stream', signal })).rejects.toBeInstanceOf(EventStoreUnavailableError);
        expect(await store.read(id)).toEqual([]);
      });

      it('checks a numeric expected version and reports the actual one', async () => {
        const id = streamId();
        const first = await store.append(id, events(3), { expected: 'no_stream' });
        expect(first.nextExpectedVersion).toBe(2);
        const second = await store.append(id, events(1), { expected: 2 });
        expect(second.nextExpectedVersion).toBe(3);
        expect(second.position).toBeGreaterThan(first.position);
        await expect(store.append(id, events(1), { expected: 2 })).rejects.toMatchObject({ actual: 3 });
        await expect(store.append(streamId(), events(1), { expected: 0 })).rejects.toMatchObject({ actual: -1 });
      });

      it("appends with 'any' whatever the stream's state, numbering revisions on", async () => {
        const id = streamId();
        await store.append(id, events(2), { expected: 'any' });
        const concurrent = await Promise.all(Array.from({ length: 5 }, () => store.append(id, events(2), { expected: 'any' })));
        expect(concurrent.map((result) => result.nextExpectedVersion).sort((a, b) => a - b)).toEqual([3, 5, 7, 9, 11]);
        expect((await store.read(id)).map((event) => event.revision)).toEqual([...Array(12).keys()]);
      });

      it('rejects stream ids that cannot be subjects and empty or oversized appends', async () => {
        for (const bad of ['nodash', '-x', 'task-', 'task-a.b', 'task-*', 'task->', 'task-a b', '']) {
          await expect(store.append(bad, events(1), { expected: 'any' })).rejects.toBeInstanceOf(InvalidAppendError);
        }
        const id = streamId();
        await expect(store.append(id, [], { expected: 'any' })).rejects.toBeInstanceOf(InvalidAppendError);
        await expect(store.append(id, events(MAX_EVENTS_PER_APPEND + 1), { expected: 'any' })).rejects.toBeInstanceOf(
          InvalidAppendError,
        );
        expect(await store.read(id)).toEqual([]);
      });
    });

    describe('read', () => {
      it('returns what was appended: same ids, types, data and metadata, revisions 0..n-1', async () => {
        const id = streamId('task');
        const written = [...events(3, 'A'), anEvent('B', { nested: { list: [1, 2], text: 'ü' } })];
        await store.append(id, written.slice(0, 3), { expected: 'no_stream' });
        await store.append(id, written.slice(3), { expected: 2 });
        const read = await store.read(id);
        expect(read.map(({ id: eventId, type, data, metadata }) => ({ id: eventId, type, data, metadata }))).toEqual(written);
        expect(read.map((event) => event.revision)).toEqual([0, 1, 2, 3]);
        expect(read.every((event) => event.streamId === id)).toBe(true);
        expectCommitOrder(read);
        expect((await store.read(id, { fromRevision: 2 })).map((event) => event.revision)).toEqual([2, 3]);
        expect(await store.read(id, { fromRevision: 4 })).toEqual([]);
      });

      it('returns [] for a stream that does not exist', async () => {
        expect(await store.read(streamId())).toEqual([]);
      });

      it('keeps a multi-event append atomic and contiguous under concurrent writers', async () => {
        const id = streamId();
        const batches = Array.from({ length: 8 }, (_, b) => events(5, `Batch${b}`));
        await Promise.all(batches.map((batch) => store.append(id, batch, { expected: 'any' })));
        const read = await store.read(id);
        expect(read).toHaveLength(40);
        for (let start = 0; start < 40; start += 5) {
          const commit = read.slice(start, start + 5);
          expect(new Set(commit.map((event) => event.type)).size).toBe(1);
          expect(commit.map((event) => event.position - commit[0].position)).toEqual([0, 1, 2, 3, 4]);
        }
      });

      it('reads a 10k-event stream back fully and in order', async () => {
        const id = streamId('big');
        let expected: number | 'no_stream' = 'no_stream';
        for (let batch = 0; batch < 100; batch++) {
          expected = (await store.append(id, events(100), { expected })).nextExpectedVersion;
        }
        await store.append(streamId('other'), events(1), { expected: 'no_stream' });
        const started = Date.now();
        const read = await store.read(id);
        const elapsed = Date.now() - started;
        expect(read).toHaveLength(10_000);
        expect(read.every((event, index) => event.revision === index && (event.data as { i: number }).i === index % 100)).toBe(true);
        expect(elapsed).toBeLessThan(5_000);
        expect(await store.read(id, { fromRevision: 9_990 })).toHaveLength(10);
        const middle = await store.read(id, { fromRevision: 4_950 });
        expect(middle).toHaveLength(5_050);
        expect(middle[0].revision).toBe(4_950);
      });
    });

    describe('readAll and headPosition', () => {
      it('is 0 / empty for an empty store', async () => {
        expect(await store.headPosition()).toBe(0);
        expect(await drain(store.readAll())).toEqual([]);
      });

      it('reads every event in commit order up to the head at the time of the call, then ends', async () => {
        const a = streamId('task');
        const b = streamId('execution');
        await store.append(a, events(2, 'T'), { expected: 'no_stream' });
        await store.append(b, events(3, 'E'), { expected: 'no_stream' });
        const last = await store.append(a, events(1, 'T'), { expected: 1 });
        expect(await store.headPosition()).toBe(last.position);
        const iterable = store.readAll();
        await store.append(b, events(1, 'Late'), { expected: 2 });
        const all = await drain(iterable);
        expect(all.map((event) => event.type)).toEqual(['T', 'T', 'E', 'E', 'E', 'T']);
        expectCommitOrder(all);
        expect(all[all.length - 1].position).toBe(last.position);

        const after = await drain(store.readAll({ from: { after: all[1].position } }));
        expect(after.map((event) => event.id)).toEqual((await drain(store.readAll())).slice(2).map((event) => event.id));
        const tasks = await drain(store.readAll({ filter: { streamPrefixes: ['task-'] } }));
        expect(tasks.map((event) => event.streamId)).toEqual([a, a, a]);
        const late = await drain(store.readAll({ filter: { eventTypes: ['Late'] } }));
        expect(late).toHaveLength(1);
        expect(await drain(store.readAll({ from: 'end' }))).toEqual([]);
        expect(await drain(store.readAll({ filter: { streamPrefixes: ['nothing-'] } }))).toEqual([]);
      });
    });

    testSubscriptions(() => fixture);
    testSnapshots(() => fixture);
  });
}
