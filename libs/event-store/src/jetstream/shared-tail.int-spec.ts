import type { RecordedEvent } from '@sched/contracts';
import { Collector, events, streamId, waitFor } from '../testing/fixtures';
import { useJetStreamStore } from '../testing/jetstream-store-fixture';

// Tiny bounds, so joining from behind the buffer and overflowing a queue both happen with a few dozen commits.
const t = useJetStreamStore('shared-tail-spec', { sharedTail: { bufferedCommits: 4, maxQueuedEvents: 10 } });

// Live subscriptions of one store share a consumer; what sharing must not change: every subscriber gets every
// matching event once, in order, whether it starts behind the tail, at it, or falls behind while reading.
/** Appends `commits` single-event commits to one stream; returns their ids in log order. */
async function appendCommits(stream: string, commits: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < commits; i++) {
    const [event] = events(1);
    await t.store.append(stream, [event], { expected: 'any' });
    ids.push(event.id);
  }
  return ids;
}

async function untilConsumers(expected: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  let count = -1;
  while ((count = (await t.jsm.streams.info('SCHED_EVENTS')).state.consumer_count) !== expected) {
    if (Date.now() > deadline) throw new Error(`expected ${expected} consumers on the log, found ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function expectOrderedOnce(received: readonly RecordedEvent[], ids: readonly string[]): void {
  expect(received.map((event) => event.id)).toEqual(ids);
  const positions = received.map((event) => event.position);
  expect(positions).toEqual([...positions].sort((a, b) => a - b));
}


describe('live subscriptions sharing one consumer', () => {
  it('serves several subscribers from one consumer, each from its own start', async () => {
    const stream = streamId('execution');
    const before = await appendCommits(stream, 20);
    const first = new Collector(t.store.subscribeAll({ from: 'start' }));
    await first.until(before[19]);
    // The second starts far behind the tail's 4-commit buffer: it catches up alone, then joins.
    const second = new Collector(t.store.subscribeAll({ from: 'start' }));
    const third = new Collector(t.store.subscribeAll({ from: 'end' }));
    await second.until(before[19]);
    const after = await appendCommits(stream, 5);
    await Promise.all([first, second, third].map((collector) => collector.until(after[4])));
    expectOrderedOnce(first.received, [...before, ...after]);
    expectOrderedOnce(second.received, [...before, ...after]);
    expectOrderedOnce(third.received, after);
    // The catch-up read's own consumer is deleted in the background: then one is left for the three.
    await untilConsumers(1);
    await Promise.all([first.close(), second.close(), third.close()]);
    await untilConsumers(0); // nobody listens: the shared consumer is gone too
  });

  it('cuts a subscriber that stops reading loose and lets it catch up without a gap, the others unaffected', async () => {
    const stream = streamId('execution');
    const reading = new Collector(t.store.subscribeAll({ from: 'start' }));
    const stalled = t.store.subscribeAll({ from: 'start' });
    const iterator = stalled[Symbol.asyncIterator]();
    const ids = await appendCommits(stream, 3);
    expect((await iterator.next()).value?.id).toBe(ids[0]); // joined; now it stops reading while 40 more arrive
    ids.push(...(await appendCommits(stream, 40)));
    await reading.until(ids[42]);
    const rest: RecordedEvent[] = [];
    while (rest.length < 42) rest.push((await iterator.next()).value as RecordedEvent);
    expectOrderedOnce(rest, ids.slice(1));
    expectOrderedOnce(reading.received, ids);
    await stalled.close();
    await reading.close();
  });

  it('stops reading when its only subscriber falls behind, which then catches up alone and starts it again', async () => {
    const stream = streamId('execution');
    const alone = t.store.subscribeAll({ from: 'start' });
    const iterator = alone[Symbol.asyncIterator]();
    const ids = await appendCommits(stream, 3);
    expect((await iterator.next()).value?.id).toBe(ids[0]);
    ids.push(...(await appendCommits(stream, 40))); // overflows its queue of 10: cut loose, nobody left to read for
    await untilConsumers(0);
    const rest: RecordedEvent[] = [];
    while (rest.length < 42) rest.push((await iterator.next()).value as RecordedEvent);
    expectOrderedOnce(rest, ids.slice(1));
    await untilConsumers(1); // caught up and joined a tail started afresh
    const [last] = await appendCommits(stream, 1);
    expect((await iterator.next()).value?.id).toBe(last);
    await alone.close();
  });

  it('applies each subscriber its own filter on the shared commits', async () => {
    const task = streamId('task');
    const execution = streamId('execution');
    const wanted = new Collector(t.store.subscribeAll({ from: 'start', filter: { eventTypes: ['Wanted'] } }));
    const all = new Collector(t.store.subscribeAll({ from: 'start' }));
    await t.store.append(task, events(2, 'Other'), { expected: 'any' });
    const [match] = events(1, 'Wanted');
    await t.store.append(execution, [match, ...events(1, 'Other')], { expected: 'any' });
    await all.until(match.id);
    await wanted.until(match.id);
    await waitFor(() => all.received.length === 4, () => `4 events (got ${all.received.length})`);
    expect(wanted.ids()).toEqual([match.id]);
    await Promise.all([wanted.close(), all.close()]);
  });

  it('a server-filtered subscriber behind the buffer catches up to the last commit that can match, joins, and closes at once', async () => {
    // The timer's backfill subscription: task streams only (the server filters on es.task.>), its last match long
    // before the head. Its catch-up once waited for matches nats-server said were pending and never came: it never
    // joined the tail, and closing it (every timer shutdown) waited for the next task event.
    const task = streamId('task');
    const earlier = await appendCommits(task, 3);
    const executionIds = await appendCommits(streamId('execution'), 12);
    const ahead = new Collector(t.store.subscribeAll({ from: 'start' }));
    await ahead.until(executionIds[11]);
    const filtered = new Collector(t.store.subscribeAll({ from: 'start', filter: { streamPrefixes: [task] } }));
    await filtered.until(earlier[2]);
    const later = await appendCommits(task, 1);
    await filtered.until(later[0]);
    expectOrderedOnce(filtered.received, [...earlier, ...later]);
    const closing = Date.now();
    await filtered.close();
    expect(Date.now() - closing).toBeLessThan(500);
    await ahead.close();
  });
});

// What the executor starts a backlogged attempt on without reading its stream: the tail vouches for a stream's end.
describe('tail coverage (endsAt)', () => {
  const positionOf = (received: readonly RecordedEvent[], id: string): number => received.find((event) => event.id === id)!.position;
  /** The only live subscription, from the log's end, once its tail's consumer exists (so nothing appended after is missed). */
  const liveFromEnd = async (): Promise<Collector> => {
    const live = new Collector(t.store.subscribeAll({ from: 'end' }));
    await untilConsumers(1);
    return live;
  };

  it('vouches for nothing until asked to track stream ends, then for what the tail delivers from there on', async () => {
    const stream = streamId('execution');
    const live = await liveFromEnd();
    const [untracked] = await appendCommits(stream, 1);
    await live.until(untracked);
    expect(t.store.endsAt(stream, positionOf(live.received, untracked), 60_000)).toBe(false);
    t.store.trackEnds();
    expect(t.store.endsAt(stream, positionOf(live.received, untracked), 60_000)).toBe(false); // delivered before
    const [tracked] = await appendCommits(stream, 1);
    await live.until(tracked);
    expect(t.store.endsAt(stream, positionOf(live.received, tracked), 60_000)).toBe(true);
    await live.close();
  });

  describe('once tracking', () => {
    beforeEach(() => t.store.trackEnds());

    it('vouches that a stream ends at the last commit of it the tail delivered, while the tail is current', async () => {
      const stream = streamId('execution');
      const other = streamId('execution');
      const live = await liveFromEnd();
      const [first] = await appendCommits(stream, 1);
      const [unrelated] = await appendCommits(other, 1);
      await live.until(unrelated);
      const firstPosition = positionOf(live.received, first);
      expect(t.store.endsAt(stream, firstPosition, 60_000)).toBe(true);
      expect(t.store.endsAt(streamId('execution'), firstPosition, 60_000)).toBe(false); // a stream it never saw
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(t.store.endsAt(stream, firstPosition, 20)).toBe(false); // nothing delivered that recently: cannot tell
      const [second] = await appendCommits(stream, 1);
      await live.until(second);
      expect(t.store.endsAt(stream, firstPosition, 60_000)).toBe(false); // the stream moved on
      expect(t.store.endsAt(stream, positionOf(live.received, second), 60_000)).toBe(true);
      await live.close();
      await untilConsumers(0);
      // Nobody listens, so the tail stopped: what it saw no longer says anything about the log now.
      expect(t.store.endsAt(stream, positionOf(live.received, second), 60_000)).toBe(false);
    });

    it('forgets what it saw when it starts over further on, past commits it never delivered', async () => {
      const stream = streamId('execution');
      const early = await liveFromEnd();
      const [first] = await appendCommits(stream, 1);
      await early.until(first);
      const firstPosition = positionOf(early.received, first);
      await early.close();
      await untilConsumers(0);
      await appendCommits(stream, 1); // appended while no tail ran
      const late = await liveFromEnd();
      const [marker] = await appendCommits(streamId('execution'), 1);
      await late.until(marker);
      expect(t.store.endsAt(stream, firstPosition, 60_000)).toBe(false);
      await late.close();
    });

    it('cannot tell without a live subscription', async () => {
      const stream = streamId('execution');
      const { position } = await t.store.append(stream, events(1), { expected: 'no_stream' });
      expect(t.store.endsAt(stream, position, 60_000)).toBe(false);
    });
  });
});
