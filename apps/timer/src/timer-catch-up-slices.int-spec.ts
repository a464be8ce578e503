import { Kvm } from '@nats-io/kv';
import { Logger } from '@nestjs/common';
import type { TaskSkipped } from '@sched/contracts';
import { MemoryEventStore } from '@sched/event-store';
import { useTestNats } from '../../../test/support/nats';
import { waitFor } from '../../../test/support/wait-for';
import { createEverySecondTask } from '../../../test/timer/timer-harness';
import { WATERMARKS_BUCKET } from './ha/partition-leases';
import { startOnePartitionTimer } from './testing/start-one-partition-timer';

const WEEK_MS = 7 * 86_400_000;

/** The longest the event loop went without running a 5 ms interval's callback (what a lease renewal waits). */
function longestGap(): { stop(): number } {
  let last = performance.now();
  let longest = 0;
  const sample = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  };
  const timer = setInterval(sample, 5);
  return {
    stop: () => {
      clearInterval(timer);
      sample(); // a block just before (the callback had no turn after it yet)
      return longest;
    },
  };
}

/**
 * A partition taken over after a week's outage, with a task every second: its catch-up plans 604,800 occurrences.
 * That was done in one go (~4 s of blocked event loop per such task on this machine: 12-14 s for three, no lease
 * renewal, no fire, no watermark save meanwhile); it now takes turns with everything else.
 */
describe('timer catch-up after a long outage (real nats-server for the leases)', () => {
  const servers = useTestNats();
  beforeAll(() => Logger.overrideLogger(['error']));

  it('never holds the event loop for long, and keeps the watermark it took over until the catch-up is done', async () => {
    const store = new MemoryEventStore();
    await createEverySecondTask(store, 'week-down', { misfire: { policy: 'skip', catchupWindowMs: 3_600_000 } }, Date.now() - WEEK_MS - 60_000);
    const watermarks = await new Kvm(servers.nc).create(WATERMARKS_BUCKET, { history: 1 });
    const previousMark = Date.now() - WEEK_MS;
    await watermarks.put('w.0', String(previousMark));
    const gaps = longestGap();
    const timer = await startOnePartitionTimer(store, servers.nats, servers.nc, { INSTANCE_ID: 'week-down' });
    try {
      const savedWhileCatchingUp: number[] = [];
      await waitFor(
        async () => timer.scheduledCount() === 1 || void savedWhileCatchingUp.push(Number((await watermarks.get('w.0'))!.string())),
        60_000,
        'the catch-up to end (the task scheduled on)',
      );
      expect(gaps.stop()).toBeLessThan(250);
      expect(Math.max(...savedWhileCatchingUp)).toBe(previousMark);
      // The week up to 5 s (the default misfire threshold) before the catch-up began in one recorded skip; the
      // seconds that fell over the threshold while it ran are the next skip (as for a timer woken late).
      const skips: TaskSkipped['data'][] = [];
      for await (const event of store.readAll({ filter: { eventTypes: ['TaskSkipped'] } })) skips.push(event.data as TaskSkipped['data']);
      expect(Date.parse(skips[0].missedFrom!)).toBe(Math.floor(previousMark / 1000) * 1000 + 1000);
      expect(skips[0].missedCount).toBeGreaterThan(WEEK_MS / 1000 - 10);
    } finally {
      await timer.onModuleDestroy();
      await store.close();
    }
  }, 90_000);
});
