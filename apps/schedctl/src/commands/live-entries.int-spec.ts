import { Kvm } from '@nats-io/kv';
import { useTestNats } from '../../../../test/support/nats';
import { within } from '@sched/event-store';
import { liveEntries } from './live-entries';

/** The registries `schedctl import` checks before it writes: listed at once, even while their keys are being written. */
describe('liveEntries (real nats-server)', () => {
  const context = useTestNats();

  it('lists the keys under a prefix whose latest value is a put, while one of them is renewed every 20 ms', async () => {
    const kv = await new Kvm(context.nc).create('live_registry', { history: 1, ttl: 30_000 });
    await kv.put('m.timer-a', 'alive');
    await kv.put('m.timer-b', 'alive');
    await kv.put('m.gone', 'alive');
    await kv.delete('m.gone'); // a clean stop
    await kv.put('p.0', 'timer-a'); // not under the prefix
    const renewing = setInterval(() => void kv.put('m.timer-a', 'alive').catch(() => undefined), 20);
    try {
      for (let round = 0; round < 20; round += 1) {
        // kv.keys() waited here for a moment with no writes, which a renewal every 300 ms never gave it.
        const names = await within(liveEntries(context.nc, 'live_registry', 'm.'), 5_000, () => new Error('liveEntries did not answer within 5 s'));
        expect(names).toEqual(['timer-a', 'timer-b']);
      }
    } finally {
      clearInterval(renewing);
    }
    expect(await liveEntries(context.nc, 'live_registry')).toEqual(['m.timer-a', 'm.timer-b', 'p.0']);
  });

  it('is empty for a bucket that does not exist (nothing ever registered)', async () => {
    expect(await liveEntries(context.nc, 'no_such_registry', 'm.')).toEqual([]);
  });
});
