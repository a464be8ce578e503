import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats, NatsUnreachableError } from '../../../messaging/src/nats-connection';
import { freePort, NatsServerStartError, spawnNatsServer } from '../../../messaging/src/nats-server-process';
import { startTestNats, type TestNats } from '../../../../test/support/nats';
import { EventStoreUnavailableError, InvalidAppendError } from '../errors';
import { Collector, events, streamId } from '../testing/fixtures';
import { createJetStreamEventStore, type JetStreamEventStore } from './jetstream-event-store';

// JetStream-specific behaviour on top of the shared contract: layout on the wire, dedupe, faults.
let nats: TestNats;
let nc: NatsConnection;
let jsm: JetStreamManager;
let store: JetStreamEventStore;

beforeAll(async () => {
  nats = await startTestNats();
});
afterAll(async () => {
  await nats?.cleanup();
});
beforeEach(async () => {
  nc = await connectNats(nats.url, 'jetstream-adapter-spec');
  jsm = await jetstreamManager(nc);
  store = await createJetStreamEventStore(nc, { operationDeadlineMs: 5_000 });
});
afterEach(async () => {
  await store.close();
  for (const name of ['SCHED_EVENTS', 'KV_sched_checkpoints']) await jsm.streams.delete(name).catch(() => undefined);
  await nc.close();
});

describe('JetStream event store', () => {
  it('creates the stream as designed, idempotently', async () => {
    await createJetStreamEventStore(nc);
    const { config } = await jsm.streams.info('SCHED_EVENTS');
    expect(config).toMatchObject({
      subjects: ['es.>'],
      storage: 'file',
      retention: 'limits',
      discard: 'old',
      max_age: 0,
      deny_delete: true,
      deny_purge: true,
      duplicate_window: 120_000_000_000,
      num_replicas: 1,
    });
  });

  it('stores one message per append on es.<category>.<id>, deduplicated by the first event id', async () => {
    const id = streamId('execution');
    const first = await store.append(id, events(1), { expected: 'no_stream' });
    const batch = events(3);
    const result = await store.append(id, batch, { expected: 0 });
    const message = await jsm.streams.getMessage('SCHED_EVENTS', { last_by_subj: `es.execution.${id.slice('execution-'.length)}` });
    expect(message?.seq).toBe(Math.floor(result.position / 1000));
    expect(message?.header.get('Nats-Msg-Id')).toBe(batch[0].id);
    expect(message?.json()).toEqual({ r: 1, p: Math.floor(first.position / 1000), e: batch });
    expect(result).toEqual({ nextExpectedVersion: 3, position: message!.seq * 1000 + 2 });
  });

  it('answers a retried append (same events, same expected version) with the original result', async () => {
    const id = streamId('task');
    const batch = events(2);
    const first = await store.append(id, batch, { expected: 'no_stream' });
    await expect(store.append(id, batch, { expected: 'no_stream' })).resolves.toEqual(first);
    expect(await store.read(id)).toHaveLength(2);
  });

  it('rejects an event id already appended to another stream within the duplicate window', async () => {
    const [event] = events(1);
    await store.append(streamId('task'), [event], { expected: 'no_stream' });
    await expect(store.append(streamId('task'), [event], { expected: 'no_stream' })).rejects.toBeInstanceOf(InvalidAppendError);
  });

  it('rejects an append larger than the server max payload, writing nothing', async () => {
    const id = streamId('task');
    const [big] = events(1, 'Big');
    const huge = { ...big, data: { blob: 'x'.repeat(2 * 1024 * 1024) } };
    await expect(store.append(id, [huge], { expected: 'no_stream' })).rejects.toBeInstanceOf(InvalidAppendError);
    expect(await store.read(id)).toEqual([]);
  });

  it('deletes the consumers it creates for reads and closed subscriptions', async () => {
    const id = streamId('task');
    for (let i = 0; i < 40; i++) await store.append(id, events(1), { expected: i === 0 ? 'no_stream' : i - 1 });
    expect(await store.read(id)).toHaveLength(40); // longer than the backward walk: uses a consumer
    const collector = new Collector(store.subscribeAll({ from: 'start' }));
    await collector.until((await store.read(id))[39].id);
    await collector.close();
    // Deletes are fire-and-forget: poll the server until they have landed.
    let count = Number.NaN;
    for (const deadline = Date.now() + 5_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
      count = (await jsm.consumers.list('SCHED_EVENTS').next()).length;
      if (count === 0) break;
    }
    expect(count).toBe(0);
  });

  it('completes an append issued while nats-server is down once it is back, exactly once', async () => {
    const id = streamId('task');
    await store.append(id, events(1), { expected: 'no_stream' });
    await nats.stop();
    const pending = store.append(id, events(2), { expected: 0 });
    await nats.restart();
    await expect(pending).resolves.toMatchObject({ nextExpectedVersion: 2 });
    expect((await store.read(id)).map((event) => event.revision)).toEqual([0, 1, 2]);
  });

  it('gives up with EventStoreUnavailableError when the server stays down past the deadline', async () => {
    const impatient = await createJetStreamEventStore(nc, { operationDeadlineMs: 300, requestTimeoutMs: 200 });
    await nats.stop();
    try {
      await expect(impatient.append(streamId('task'), events(1), { expected: 'any' })).rejects.toBeInstanceOf(
        EventStoreUnavailableError,
      );
      await expect(impatient.read(streamId('task'))).rejects.toBeInstanceOf(EventStoreUnavailableError);
    } finally {
      await nats.restart();
      await store.headPosition(); // the shared connection is back before cleanup talks to the server
      await impatient.close();
    }
  });

  it('keeps acknowledged appends and live subscriptions through a SIGKILL of nats-server', async () => {
    const id = streamId('execution');
    const collector = new Collector(store.subscribeAll({ from: 'start', filter: { streamPrefixes: ['execution-'] } }));
    const before = events(3);
    await store.append(id, before, { expected: 'no_stream' });
    await nats.kill('SIGKILL');
    await nats.restart();
    const after = events(3);
    await store.append(id, after, { expected: 2 });
    await collector.until(after[2].id, 20_000);
    await collector.close();
    expect(collector.ids()).toEqual([...before, ...after].map((event) => event.id));
  });
});

describe('messaging helpers', () => {
  it('connectNats fails fast with the URL when nothing listens', async () => {
    const url = `nats://127.0.0.1:${await freePort()}`;
    const attempt = connectNats(url, 'nobody-there', { timeout: 1_000 });
    await expect(attempt).rejects.toBeInstanceOf(NatsUnreachableError);
    await expect(attempt).rejects.toThrow(url);
  });

  it('spawnNatsServer reports a server that cannot start, with its stderr', async () => {
    const storeDir = await mkdtemp(path.join(os.tmpdir(), 'sched-bad-nats-'));
    try {
      const attempt = spawnNatsServer({ storeDir, extraArgs: ['--no-such-flag'], readyTimeoutMs: 3_000 });
      await expect(attempt).rejects.toBeInstanceOf(NatsServerStartError);
      await expect(attempt).rejects.toThrow(/exited early[\s\S]*no-such-flag/);
    } finally {
      await rm(storeDir, { recursive: true, force: true });
    }
  });
});
