import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { useTestNats } from '../../../../test/support/nats';
import { RETRY_TIMERS_BUCKET, RetryTimerStore, type RetryTimer } from './retry-timer-store';

const timer = (i: number): RetryTimer =>
  ({ executionId: `task@${1_700_000_000_000 + i}`, attempt: 2, retryAtMs: 1_700_000_100_000 + i }) as unknown as RetryTimer;

describe('retry timers in NATS KV (real nats-server)', () => {
  const servers = useTestNats();

  const messagesInBucket = async (): Promise<number> => (await (await jetstreamManager(servers.nc)).streams.info(`KV_${RETRY_TIMERS_BUCKET}`)).state.messages;

  it('a timer done with leaves nothing behind (a KV delete left a marker per retry for good, all read at every start)', async () => {
    // What an earlier version left: 30 timers deleted the KV way (a marker each), 1 still pending.
    const old = await new Kvm(servers.nc).create(RETRY_TIMERS_BUCKET, { history: 1 });
    for (let i = 0; i < 30; i += 1) {
      await old.put(`old-${i}`, '{}');
      await old.delete(`old-${i}`);
    }
    await old.put('old-pending', JSON.stringify(timer(-1)));
    expect(await messagesInBucket()).toBe(31);

    const store = await RetryTimerStore.open(servers.nc);
    expect((await store.all()).map((each) => each.executionId)).toEqual([timer(-1).executionId]);
    expect(await messagesInBucket()).toBe(1); // the markers purged on the way
    for (let i = 0; i < 20; i += 1) await store.put(timer(i));
    for (let i = 0; i < 18; i += 1) await store.delete(timer(i));
    expect(await messagesInBucket()).toBe(3);
    expect((await store.all()).map((each) => each.executionId).sort()).toEqual([timer(-1), timer(18), timer(19)].map((each) => each.executionId).sort());
  });

  it('lists the pending timers while other timers are purged meanwhile (a KV watcher waited for good then)', async () => {
    const store = await RetryTimerStore.open(servers.nc);
    const before = (await store.all()).length;
    for (let i = 100; i < 400; i += 1) await store.put(timer(i));
    const purging = Promise.all(Array.from({ length: 300 }, (_, i) => store.delete(timer(100 + i))));
    const listed = await store.all();
    await purging;
    expect(listed.length).toBeLessThanOrEqual(before + 300);
    expect((await store.all()).length).toBe(before);
  });
});
