import { Kvm } from '@nats-io/kv';
import { Logger } from '@nestjs/common';
import { MemoryEventStore, type EventStore } from '@sched/event-store';
import { useTestNats } from '../../../test/support/nats';
import { waitFor } from '../../../test/support/wait-for';
import { createEverySecondTask } from '../../../test/timer/timer-harness';
import { LEASES_BUCKET, WATERMARKS_BUCKET } from './ha/partition-leases';
import { startOnePartitionTimer } from './testing/start-one-partition-timer';

/** A store whose TaskDue appends fail while `failing` is set (the event store down for the timer's fires only). */
class FailingDues extends MemoryEventStore {
  failing = true;
  failedDues = 0;

  override async append(...args: Parameters<EventStore['append']>): ReturnType<EventStore['append']> {
    if (this.failing && args[0].startsWith('execution-')) {
      this.failedDues += 1;
      throw new Error('store unavailable (test)');
    }
    return super.append(...args);
  }
}

/**
 * The watermark a timer saves tells the next owner of a partition what was fired. Fires still being appended must
 * hold it back, catch-up fires as much as on-time ones: before, a timer taking a partition over saved a watermark
 * past the catch-up it was still retrying, so had it died then, its successor would have skipped that catch-up.
 */
describe('timer watermark while fires are being appended (real nats-server for the leases)', () => {
  const servers = useTestNats();
  beforeAll(() => Logger.overrideLogger(['error'])); // the retries warn once per fire per second, by design

  it('stays at the partition watermark it took over until the catch-up fires are in, then moves on', async () => {
    const store = new FailingDues();
    await createEverySecondTask(store, 'caught-up', { misfire: { policy: 'fire-all', catchupWindowMs: 3_600_000 } }, Date.now() - 30_000);
    // The previous owner fired through 20 s ago: everything since is this timer's to catch up (misfires first).
    const previousMark = Date.now() - 20_000;
    const watermarks = await new Kvm(servers.nc).create(WATERMARKS_BUCKET, { history: 1 });
    await watermarks.put('w.0', String(previousMark));
    const timer = await startOnePartitionTimer(store, servers.nats, servers.nc, { INSTANCE_ID: 'watermark-test' });
    try {
      expect(timer.ownedPartitions()).toEqual([0]);
      // Several saves (every 500 ms) while every append fails: none passes what the previous owner had fired.
      for (let i = 0; i < 4; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(Number((await watermarks.get('w.0'))!.string())).toBeLessThanOrEqual(previousMark);
      }
      store.failing = false;
      const caughtUpTo = Date.now();
      await waitFor(async () => Number((await watermarks.get('w.0'))!.string()) > caughtUpTo - 2_000, 10_000, 'the watermark to move on');
      // Each second since the previous mark has its fire, once.
      const fired = new Set<string>();
      for await (const event of store.readAll({ filter: { eventTypes: ['TaskDue'] } })) fired.add(event.streamId);
      expect(fired.size).toBeGreaterThanOrEqual(19);
    } finally {
      await timer.onModuleDestroy();
      await store.close();
    }
  });

  it('gives up the fires it was retrying once its partition has moved to another timer (both ran and skipped them)', async () => {
    const store = new FailingDues();
    await createEverySecondTask(store, 'moved');
    const timer = await startOnePartitionTimer(store, servers.nats, servers.nc, { INSTANCE_ID: 'moving-test' });
    try {
      // Fires fail (the store is down for them) and are retried each second...
      await waitFor(() => store.failedDues > 0, 5_000, 'a fire to fail');
      // ...until another timer holds the partition: this one's next renewal fails, and it lets the partition go.
      const leases = await new Kvm(servers.nc).open(LEASES_BUCKET);
      await leases.delete('p.0');
      await leases.create('p.0', 'other-timer');
      const renewing = setInterval(() => void leases.put('p.0', 'other-timer').catch(() => undefined), 300); // it keeps it
      try {
        await waitFor(() => timer.ownedPartitions().length === 0, 5_000, 'the partition to be lost');
        store.failing = false;
        await new Promise((resolve) => setTimeout(resolve, 2_500)); // two retry rounds
      } finally {
        clearInterval(renewing);
      }
      const fired: string[] = [];
      for await (const event of store.readAll({ filter: { eventTypes: ['TaskDue'] } })) fired.push(event.streamId);
      expect(fired).toEqual([]); // the other timer's catch-up fires them, or skips them by the task's misfire policy
    } finally {
      await timer.onModuleDestroy();
      await store.close();
    }
  });

  it('takes back a partition it lost in an outage and fires what the outage stopped (before: lost for good)', async () => {
    const store = new FailingDues();
    await createEverySecondTask(store, 'outage', { misfire: { policy: 'fire-all', catchupWindowMs: 3_600_000 } });
    const timer = await startOnePartitionTimer(store, servers.nats, servers.nc, { INSTANCE_ID: 'outage-test' });
    try {
      await waitFor(() => store.failedDues > 0, 5_000, 'a fire to fail');
      const firstFailedMs = Date.now();
      // The partition goes to another timer while the fires fail (its renewals failed in an outage, say)...
      const leases = await new Kvm(servers.nc).open(LEASES_BUCKET);
      await leases.delete('p.0');
      await leases.create('p.0', 'other-timer');
      const renewing = setInterval(() => void leases.put('p.0', 'other-timer').catch(() => undefined), 300);
      try {
        await waitFor(() => timer.ownedPartitions().length === 0, 5_000, 'the partition to be lost');
        await new Promise((resolve) => setTimeout(resolve, 1_200)); // more seconds fall due meanwhile
      } finally {
        clearInterval(renewing);
      }
      // ...which lets it go before it caught anything up: this timer takes it back, the store answering again.
      store.failing = false;
      await leases.delete('p.0');
      await waitFor(() => timer.ownedPartitions().length === 1, 5_000, 'the partition to come back');
      const backMs = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const fired = new Set<number>();
      for await (const event of store.readAll({ filter: { eventTypes: ['TaskDue'] } })) fired.add(Date.parse((event.data as { scheduledAt: string }).scheduledAt));
      const seconds: number[] = [];
      for (let s = Math.ceil(firstFailedMs / 1000) * 1000; s <= backMs; s += 1000) seconds.push(s);
      expect(seconds.filter((s) => !fired.has(s))).toEqual([]);
    } finally {
      await timer.onModuleDestroy();
      await store.close();
    }
  });

  it('goes through the misfire policy for what it slept through when woken past the threshold (a stalled process)', async () => {
    const store = new FailingDues();
    store.failing = false;
    await createEverySecondTask(store, 'stalled', { misfire: { policy: 'skip', catchupWindowMs: 3_600_000 } });
    const timer = await startOnePartitionTimer(store, servers.nats, servers.nc, { INSTANCE_ID: 'stall-test', TIMER_LEASE_TTL_MS: '10000', TIMER_MISFIRE_THRESHOLD_MS: '1000' });
    try {
      await waitFor(async () => (await store.headPosition()) > 0, 5_000, 'a first fire');
      const stalledFrom = Date.now();
      while (Date.now() < stalledFrom + 3_500); // the event loop blocked 3.5 s: the timer wakes 2.5-3.5 s late
      const wokeAt = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const commits = new Map<string, string[]>();
      const dues = new Map<string, number>();
      for await (const event of store.readAll({ filter: { streamPrefixes: ['execution-'] } })) {
        commits.set(event.streamId, [...(commits.get(event.streamId) ?? []), event.type]);
        if (event.type === 'TaskDue') dues.set(event.streamId, Date.parse((event.data as { scheduledAt: string }).scheduledAt));
      }
      // Every instant it slept through by more than the threshold is in one recorded skip, none fired on its own.
      const overdue = [...dues].filter(([, at]) => at > stalledFrom && at < wokeAt - 1_000);
      expect(overdue.map(([stream]) => commits.get(stream))).toEqual([['TaskDue', 'TaskSkipped']]);
    } finally {
      await timer.onModuleDestroy();
      await store.close();
    }
  });
});
