import type { RecordedEvent } from '@sched/contracts';
import type { EventStore } from '../event-store.port';
import { Collector, drain, events, expectCommitOrder, streamId, waitFor, type EventStoreFixture } from './fixtures';

/** Appends `rounds` commits round-robin over `streams`; returns the ids in commit order. */
async function interleave(store: EventStore, streams: readonly string[], rounds: number, type = 'Tick'): Promise<string[]> {
  const ids: string[] = [];
  const versions = new Map<string, number>();
  for (let round = 0; round < rounds; round++) {
    const stream = streams[round % streams.length];
    const batch = events(1 + (round % 3), type);
    const result = await store.append(stream, batch, { expected: versions.get(stream) ?? 'no_stream' });
    versions.set(stream, result.nextExpectedVersion);
    ids.push(...batch.map((event) => event.id));
  }
  return ids;
}

/** Ends with a marker so "nothing more" is checked without sleeping: everything before the marker has arrived. */
async function appendMarker(store: EventStore, category = 'marker'): Promise<string> {
  const [marker] = events(1, 'Marker');
  await store.append(streamId(category), [marker], { expected: 'no_stream' });
  return marker.id;
}

const before = (received: readonly RecordedEvent[], markerId: string): string[] =>
  received.slice(0, received.findIndex((event) => event.id === markerId)).map((event) => event.id);

export function testSubscriptions(current: () => EventStoreFixture): void {
  describe('subscribeAll', () => {
    it("delivers every event once, in commit order, from 'start' while appends interleave", async () => {
      const { store } = current();
      const streams = [streamId('task'), streamId('execution'), streamId('task')];
      const early = await interleave(store, streams, 6);
      const collector = new Collector(store.subscribeAll({ from: 'start' }));
      const late = await interleave(store, streams.map((s) => `${s}x`), 30);
      const marker = await appendMarker(store);
      await collector.until(marker);
      await collector.close();
      expect(before(collector.received, marker)).toEqual([...early, ...late]);
      expectCommitOrder(collector.received);
      expect(collector.received.map((event) => event.position)).toEqual((await drain(store.readAll())).map((event) => event.position));
    });

    it('delivers only what follows a checkpoint position', async () => {
      const { store } = current();
      const ids = await interleave(store, [streamId('task'), streamId('task')], 10);
      const all = await drain(store.readAll());
      const checkpoint = all[6].position;
      const collector = new Collector(store.subscribeAll({ from: { after: checkpoint } }));
      const more = await interleave(store, [streamId('execution')], 4);
      const marker = await appendMarker(store);
      await collector.until(marker);
      await collector.close();
      expect(before(collector.received, marker)).toEqual([...ids.slice(7), ...more]);
    });

    it("delivers only events committed after subscribing from 'end'", async () => {
      const { store } = current();
      await interleave(store, [streamId('task')], 3);
      const collector = new Collector(store.subscribeAll({ from: 'end' }));
      const after = await interleave(store, [streamId('task'), streamId('execution')], 10);
      const marker = await appendMarker(store);
      await collector.until(marker);
      await collector.close();
      expect(before(collector.received, marker)).toEqual(after);
    });

    it('filters by stream prefix and by event type', async () => {
      const { store } = current();
      const byPrefix = new Collector(store.subscribeAll({ from: 'start', filter: { streamPrefixes: ['task-'] } }));
      const byTwoPrefixes = new Collector(store.subscribeAll({ from: 'start', filter: { streamPrefixes: ['task-', 'marker-'] } }));
      const byType = new Collector(store.subscribeAll({ from: 'start', filter: { eventTypes: ['Wanted', 'Marker'] } }));
      const task = streamId('task');
      const execution = streamId('execution');
      await store.append(task, events(2, 'Wanted'), { expected: 'no_stream' });
      await store.append(execution, events(2, 'Wanted'), { expected: 'no_stream' });
      await store.append(task, events(1, 'Other'), { expected: 1 });
      await store.append(execution, events(1, 'Other'), { expected: 1 });
      const marker = await appendMarker(store);
      const [taskMarker] = events(1, 'Marker');
      await store.append(streamId('task'), [taskMarker], { expected: 'no_stream' });
      await Promise.all([byPrefix.until(taskMarker.id), byTwoPrefixes.until(taskMarker.id), byType.until(taskMarker.id)]);
      await Promise.all([byPrefix.close(), byTwoPrefixes.close(), byType.close()]);
      const streamsOf = (c: Collector) => c.received.map((event) => event.streamId.split('-')[0]);
      expect(streamsOf(byPrefix)).toEqual(['task', 'task', 'task', 'task']);
      expect(streamsOf(byTwoPrefixes)).toEqual(['task', 'task', 'task', 'marker', 'task']);
      expect(byType.received.map((event) => event.type)).toEqual(['Wanted', 'Wanted', 'Wanted', 'Wanted', 'Marker', 'Marker']);
      expect(byType.received[4].id).toBe(marker);
    });
  });

  describe('subscribeCheckpointed', () => {
    it('resumes after close and reopen without redelivering completed events', async () => {
      const { store } = current();
      const first: string[] = [];
      const name = `projector${Date.now()}`;
      const handler = async (event: RecordedEvent) => void first.push(event.id);
      const subscription = await store.subscribeCheckpointed({ name, from: 'start', handler });
      const ids = await interleave(store, [streamId('task'), streamId('execution')], 5);
      await waitFor(() => first.length === ids.length, () => `${ids.length} handled, got ${first.length}`);
      await subscription.close();
      expect(first).toEqual(ids);
      expect(subscription.lastProcessed()).toBe(await store.headPosition());

      const later = await interleave(store, [streamId('task')], 4);
      const second: string[] = [];
      const reopened = await store.subscribeCheckpointed({ name, from: 'start', handler: async (event) => void second.push(event.id) });
      const marker = await appendMarker(store);
      await waitFor(() => second.includes(marker), () => `marker, got ${second.length}`);
      await reopened.close();
      expect(second).toEqual([...later, marker]);
    });

    it('moves its checkpoint to where the log was read while nothing matches, so a restart does not read it all again', async () => {
      const { store } = current();
      const probe = store.subscribeAll({ from: 'start' });
      const tracksReading = typeof probe.readThrough === 'function';
      await probe.close();
      const handled: number[] = [];
      const name = `rare${Date.now()}`;
      const options = { name, from: 'start', filter: { eventTypes: ['Rare'] } } as const;
      const subscription = await store.subscribeCheckpointed({ ...options, handler: async (event) => void handled.push(event.position) });
      await store.append(streamId('rare'), events(1, 'Rare'), { expected: 'no_stream' });
      await waitFor(() => handled.length === 1, () => 'the one matching event');
      await interleave(store, [streamId('task'), streamId('execution')], 6); // none of them matches
      const head = await store.headPosition();
      // At the head or past it (where the commit holding the head ends); an adapter whose subscriptions do not say how
      // far they read keeps the checkpoint at the last match.
      const moved = (): boolean => (tracksReading ? (subscription.lastProcessed() ?? 0) >= head : subscription.lastProcessed() === handled[0]);
      await waitFor(moved, () => `the checkpoint ${tracksReading ? `at ${head} or past it` : `at ${handled[0]}`}, got ${subscription.lastProcessed()}`, 5_000);
      await subscription.close();
      // Reopened from there, the next match comes, and nothing before it.
      const again: number[] = [];
      const reopened = await store.subscribeCheckpointed({ ...options, handler: async (event) => void again.push(event.position) });
      const next = await store.append(streamId('rare'), events(1, 'Rare'), { expected: 'no_stream' });
      await waitFor(() => again.length > 0, () => 'the next matching event');
      await reopened.close();
      expect(again).toEqual([next.position]);
    });

    it('redelivers an event whose handler failed, then goes on in order', async () => {
      const { store } = current();
      const attempts: string[] = [];
      const completed: string[] = [];
      const errors: Array<{ error: unknown; id: string }> = [];
      let failNext = true;
      const ids = await interleave(store, [streamId('task')], 3); // 1 + 2 + 3 events
      const subscription = await store.subscribeCheckpointed({
        name: `failing${Date.now()}`,
        from: 'start',
        handler: async (event) => {
          attempts.push(event.id);
          if (event.id === ids[4] && failNext) {
            failNext = false;
            throw new Error('boom');
          }
          completed.push(event.id);
        },
        onError: (error, event) => errors.push({ error, id: event.id }),
      });
      await waitFor(() => completed.length === ids.length, () => `all handled, got ${completed.length}`);
      await subscription.close();
      expect(completed).toEqual(ids);
      // ids[4] is the middle of a commit: the redelivery resumes inside it.
      expect(attempts).toEqual([...ids.slice(0, 5), ...ids.slice(4)]);
      expect(errors).toHaveLength(1);
      expect(errors[0].id).toBe(ids[4]);
    });

    it('pipelined handlers: the checkpoint waits for pending work; a failed one is redelivered from there', async () => {
      const { store } = current();
      const ids = await interleave(store, [streamId('task')], 3); // 6 events
      const settled: string[] = [];
      let failOnce = true;
      const subscription = await store.subscribeCheckpointed({
        name: `pending${Date.now()}`,
        from: 'start',
        maxPending: 4,
        handler: async (event) => ({
          pending: new Promise<void>((resolve, reject) =>
            setTimeout(() => {
              if (event.id === ids[2] && failOnce) return reject(((failOnce = false), new Error('no ack')));
              settled.push(event.id);
              resolve();
            }, event.id === ids[1] ? 30 : 1),
          ),
        }),
      });
      const head = await store.headPosition();
      await waitFor(() => subscription.lastProcessed() === head, () => `settled ${settled.length}`);
      await subscription.close();
      // Every event settled at least once; the failed one and those after it came again.
      expect(new Set(settled)).toEqual(new Set(ids));
      expect(settled.filter((id) => id === ids[0])).toHaveLength(1);
    });

    it("starts at the head when there is no checkpoint and from is 'end'", async () => {
      const { store } = current();
      await interleave(store, [streamId('task')], 3);
      const handled: string[] = [];
      const subscription = await store.subscribeCheckpointed({
        name: `fromEnd${Date.now()}`,
        from: 'end',
        handler: async (event) => void handled.push(event.id),
      });
      const after = await interleave(store, [streamId('task')], 2);
      await waitFor(() => handled.length >= after.length, () => `${after.length} handled, got ${handled.length}`);
      await subscription.close();
      expect(handled).toEqual(after);
    });

    it("keeps the start it took from 'end' though it stopped before handling anything", async () => {
      const { store } = current();
      const name = `fromEndStopped${Date.now()}`;
      const idle = await store.subscribeCheckpointed({ name, from: 'end', handler: async () => undefined });
      await idle.close(); // stopped (as a crash would stop it) before any event came
      const whileDown = await interleave(store, [streamId('task')], 2);
      const handled: string[] = [];
      const reopened = await store.subscribeCheckpointed({ name, from: 'end', handler: async (event) => void handled.push(event.id) });
      await waitFor(() => handled.length >= whileDown.length, () => `${whileDown.length} handled, got ${handled.length}`);
      await reopened.close();
      expect(handled).toEqual(whileDown);
    });
  });

  describe('server restart (networked adapters)', () => {
    it('keeps subscriptions delivering and appends working across restarts, losing nothing', async () => {
      const { store, restartServer } = current();
      if (!restartServer) return; // nothing to restart in-process
      const stream = streamId('task');
      const collector = new Collector(store.subscribeAll({ from: 'start' }));
      const handled: string[] = [];
      const checkpointed = await store.subscribeCheckpointed({
        name: `restart${Date.now()}`,
        from: 'start',
        handler: async (event) => void handled.push(event.id),
      });
      const written: string[] = [];
      let expected: number | 'no_stream' = 'no_stream';
      const appendCommits = async (count: number): Promise<void> => {
        for (let i = 0; i < count; i++) {
          const batch = events(2);
          expected = (await store.append(stream, batch, { expected })).nextExpectedVersion;
          written.push(...batch.map((event) => event.id));
        }
      };
      // First restart before anything was delivered, the second after deliveries: both pull states must recover.
      await restartServer();
      await appendCommits(5);
      await collector.until(written[written.length - 1], 20_000);
      await restartServer();
      await appendCommits(5);
      await collector.until(written[written.length - 1], 20_000);
      await waitFor(() => handled.length >= written.length, () => `checkpointed got ${handled.length}`, 20_000);
      await Promise.all([collector.close(), checkpointed.close()]);
      expect(collector.ids()).toEqual(written);
      expect(handled).toEqual(written);
      expect((await store.read(stream)).map((event) => event.id)).toEqual(written);
    });
  });
}
