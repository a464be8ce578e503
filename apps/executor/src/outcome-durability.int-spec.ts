import type { NatsConnection } from '@nats-io/transport-node';
import { toExecutionStreamId } from '@sched/contracts';
import { createJetStreamEventStore, type EventStore } from '@sched/event-store';
import { connectNats } from '@sched/messaging';
import { startTestNats, type TestNats } from '../../../test/support/nats';
import { waitFor } from '../../../test/support/wait-for';
import { ExecutionActor } from './execution-actor';
import { dueOf, scheduled } from './testing/scheduled-execution';

/**
 * An attempt that ends while nats-server is down for longer than the store's deadline: its outcome is recorded once
 * the server is back (it was dropped after ~15 s, and the done work ran again as WorkerLost, or failed for good).
 */
describe('an attempt\'s outcome across a nats-server outage longer than the store\'s deadline', () => {
  let nats: TestNats;
  let nc: NatsConnection;
  let store: EventStore;

  beforeAll(async () => {
    nats = await startTestNats();
    nc = await connectNats(nats.url, 'outcome-durability-spec');
    store = await createJetStreamEventStore(nc, { operationDeadlineMs: 500 }); // the default is 15 s
  });
  afterAll(async () => {
    await store?.close();
    await nc?.close();
    await nats?.cleanup();
  });

  it('is recorded once the server is back, by the same commit', async () => {
    const executionId = `outage@${Date.now()}`;
    await scheduled(dueOf({ executionId }), store as never);
    const actor = new ExecutionActor(store, executionId, 'w1');
    const retries: string[] = [];
    actor.outcomeDurability = { retryWhile: () => true, onRetry: (error) => retries.push(error.message), pauseMs: 100 };
    await actor.load();
    await actor.start(1);

    await nats.stop();
    const recording = actor.succeed(1, { rows: 42 }, []);
    try {
      // A try made while disconnected waits for its publish's own timeout (5 s), then the store gives up on it.
      await waitFor(() => retries.length >= 1, 20_000, 'the store to give up on a try');
    } finally {
      await nats.restart();
    }
    await recording;

    const history = await store.read(toExecutionStreamId(executionId));
    expect(history.map((event) => event.type)).toEqual(['TaskDue', 'TaskStarted', 'TaskSucceeded']);
    expect(history[2].data).toMatchObject({ attempt: 1, result: { rows: 42 } });
  }, 45_000);
});
