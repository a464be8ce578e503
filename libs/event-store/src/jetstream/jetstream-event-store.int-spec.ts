import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats } from '../../../messaging/src/nats-connection';
import { startTestNats, type TestNats } from '../../../../test/support/nats';
import { testEventStore } from '../testing/event-store.contract';
import { createJetStreamEventStore, type JetStreamEventStore } from './jetstream-event-store';

// One private nats-server for the file (random port, temp dir); every test gets a fresh stream and bucket.
let nats: TestNats;
beforeAll(async () => {
  nats = await startTestNats();
});
afterAll(async () => {
  await nats?.cleanup();
});

async function deleteStreams(nc: NatsConnection, names: readonly string[]): Promise<void> {
  const jsm = await jetstreamManager(nc);
  for (const name of names) await jsm.streams.delete(name).catch(() => undefined);
}

testEventStore('jetstream', async () => {
  const nc = await connectNats(nats.url, 'event-store-contract');
  const store: JetStreamEventStore = await createJetStreamEventStore(nc);
  return {
    store,
    restartServer: () => nats.restart(),
    cleanup: async () => {
      await store.close();
      await deleteStreams(nc, ['SCHED_EVENTS', 'KV_sched_checkpoints']);
      await nc.close();
    },
  };
});
