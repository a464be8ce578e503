import { Logger } from '@nestjs/common';
import { toTaskStreamId, type TaskDefinition } from '@sched/contracts';
import { taskDecider } from '@sched/domain';
import { MemoryEventStore, toEnvelopes } from '@sched/event-store';
import { loadConfig } from '@sched/messaging';
import { useTestNats } from '../../../test/support/nats';
import { waitFor } from '../../../test/support/wait-for';
import { ManualClock } from './scheduling/manual-clock';
import { TimerService } from './timer.service';

/**
 * Every second, but not in the first two hours of a year, written as two exclusions a second at a time (seconds 0-58,
 * and 59): the search for the next fire passes 60 excluded stretches a minute and gives up after 5,000 (83 minutes).
 */
const definition: TaskDefinition = {
  name: 'new year blackout',
  description: '',
  executor: 'noop',
  config: {},
  schedules: [
    {
      type: 'interval',
      everyMs: 1000,
      offsetMs: 0,
      exclude: [
        { type: 'cron', expression: '0-58 * 0-1 1 1 *', timezone: 'UTC' },
        { type: 'cron', expression: '59 * 0-1 1 1 *', timezone: 'UTC' },
      ],
    },
  ],
  tags: [],
};

describe('timer: a search for the next fire that gives up in a long excluded stretch (real nats-server for the leases)', () => {
  const servers = useTestNats();
  beforeAll(() => Logger.overrideLogger(['error']));

  it('looks again from where it got to, and fires when the stretch ends (it dropped the task for good)', async () => {
    const store = new MemoryEventStore();
    // Set on New Year's Eve, when its next fire was a second away.
    const setMs = Date.parse('2027-12-31T20:00:00Z');
    const created = taskDecider.decide({ type: 'CreateTask', data: { taskId: 'blackout', definition, nowMs: setMs } }, taskDecider.initialState());
    await store.append(toTaskStreamId('blackout'), toEnvelopes(created, { correlationId: 'c', causationId: 'c', actor: 'test', nowMs: setMs }), { expected: 'no_stream' });
    const clock = new ManualClock(Date.parse('2028-01-01T00:00:00Z'));
    const config = loadConfig({ NATS_URL: servers.nats.url, INSTANCE_ID: 'search-test', TIMER_PARTITIONS: '1', TIMER_LEASE_TTL_MS: '1200' });
    const timer = new TimerService(store, servers.nc, config, clock);
    await timer.onApplicationBootstrap();
    try {
      expect(timer.ownedPartitions()).toEqual([0]);
      const dues = async (): Promise<string[]> => {
        const ids: string[] = [];
        for await (const event of store.readAll({ filter: { eventTypes: ['TaskDue'] } })) ids.push(event.streamId);
        return ids;
      };
      for (let minute = 0; minute < 121; minute += 1) clock.advance(60_000); // to 02:01, a minute at a time
      const first = `execution-blackout@${Date.parse('2028-01-01T02:00:00Z')}`;
      await waitFor(async () => (await dues()).includes(first), 10_000, 'the first fire after the blackout');
      // Nothing fired inside the blackout.
      expect((await dues()).every((id) => Number(id.split('@')[1]) >= Date.parse('2028-01-01T02:00:00Z'))).toBe(true);
    } finally {
      await timer.onModuleDestroy();
      await store.close();
    }
  });
});
