import { AckPolicy, jetstreamManager } from '@nats-io/jetstream';
import { MAX_BACKFILL_OCCURRENCES } from '@sched/contracts';
import { DEFAULT_STREAM_NAME, DISPATCH_MAX_ACK_PENDING, LOG_DISPATCH_CONSUMER, createJetStreamEventStore } from '@sched/event-store';
import { useTestNats } from '../../../test/support/nats';
import { WORK_CONSUMER, WORK_STREAM, ensureWorkQueue, openLogDispatch } from './work-queue';

/**
 * The executors' two consumers leave room for a backlog held behind a task's limit: executions waiting in a task's
 * line stay unacked, and at max_ack_pending 10,000 one backfill of 10,000 stopped every other delivery.
 */
describe('dispatch consumers: the ack-pending window', () => {
  const context = useTestNats();

  it('is made with room for several full backfills, and an existing smaller one is raised at start', async () => {
    expect(DISPATCH_MAX_ACK_PENDING).toBeGreaterThanOrEqual(5 * MAX_BACKFILL_OCCURRENCES);
    const jsm = await jetstreamManager(context.nc);
    const store = await createJetStreamEventStore(context.nc); // makes the event log
    try {
      await ensureWorkQueue(context.nc);
      expect((await jsm.consumers.info(WORK_STREAM, WORK_CONSUMER)).config.max_ack_pending).toBe(DISPATCH_MAX_ACK_PENDING);
      // As an older version made them.
      await jsm.consumers.update(WORK_STREAM, WORK_CONSUMER, { max_ack_pending: 10_000 });
      await jsm.consumers.add(DEFAULT_STREAM_NAME, { durable_name: LOG_DISPATCH_CONSUMER, ack_policy: AckPolicy.Explicit, max_ack_pending: 10_000, filter_subject: 'es.execution.>' });

      await ensureWorkQueue(context.nc);
      await openLogDispatch(context.nc, { eventStore: 'jetstream' });
      expect((await jsm.consumers.info(WORK_STREAM, WORK_CONSUMER)).config.max_ack_pending).toBe(DISPATCH_MAX_ACK_PENDING);
      const dispatch = (await jsm.consumers.info(DEFAULT_STREAM_NAME, LOG_DISPATCH_CONSUMER)).config;
      expect(dispatch).toMatchObject({ max_ack_pending: DISPATCH_MAX_ACK_PENDING, filter_subject: 'es.execution.>', ack_policy: AckPolicy.Explicit });
    } finally {
      await store.close();
    }
  });
});
