import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats } from '../../../messaging/src/nats-connection';
import { startTestNats, type TestNats } from '../../../../test/support/nats';
import { createJetStreamEventStore, type JetStreamEventStore, type JetStreamEventStoreOptions } from '../jetstream/jetstream-event-store';

/** What a JetStream spec works with: its file's nats-server, and this test's connection, manager and store. */
export interface JetStreamStoreFixture {
  nats: TestNats;
  nc: NatsConnection;
  jsm: JetStreamManager;
  store: JetStreamEventStore;
}

/**
 * Registers the hooks of a JetStream spec file: one private nats-server for the file (random port, temp dir, so tests
 * can kill and restart it), and per test a fresh connection and store on a fresh stream and checkpoint bucket.
 */
export function useJetStreamStore(client: string, options: JetStreamEventStoreOptions = {}): JetStreamStoreFixture {
  const fixture = {} as JetStreamStoreFixture;
  beforeAll(async () => {
    fixture.nats = await startTestNats();
  });
  afterAll(async () => {
    await fixture.nats?.cleanup();
  });
  beforeEach(async () => {
    fixture.nc = await connectNats(fixture.nats.url, client);
    fixture.jsm = await jetstreamManager(fixture.nc);
    fixture.store = await createJetStreamEventStore(fixture.nc, { operationDeadlineMs: 5_000, ...options });
  });
  afterEach(async () => {
    await fixture.store.close();
    for (const name of ['SCHED_EVENTS', 'KV_sched_checkpoints']) await fixture.jsm.streams.delete(name).catch(() => undefined);
    await fixture.nc.close();
  });
  return fixture;
}
