import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { AckPolicy, DeliverPolicy, jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { RecordedEvent } from '@sched/contracts';
import { connectNats, NatsUnreachableError } from '../../../messaging/src/nats-connection';
import { freePort, NatsServerStartError, spawnNatsServer } from '../../../messaging/src/nats-server-process';
import { EventStoreUnavailableError, InvalidAppendError } from '../errors';
import { Collector, events, streamId } from '../testing/fixtures';
import { useJetStreamStore } from '../testing/jetstream-store-fixture';
import { eventStreamConfig } from './event-stream';
import { LOG_DISPATCH_CONSUMER, ensureLogDispatch, streamStartEvents } from './log-dispatch';
import { createJetStreamEventStore } from './jetstream-event-store';

// JetStream-specific behaviour on top of the shared contract: layout on the wire, dedupe, faults, log dispatch.
const t = useJetStreamStore('jetstream-adapter-spec');

describe('JetStream event store', () => {
  it('creates the stream as designed, idempotently', async () => {
    await createJetStreamEventStore(t.nc);
    const { config } = await t.jsm.streams.info('SCHED_EVENTS');
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
      allow_direct: true,
    });
  });

  it('says why when the server refuses to create the log (3 replicas on a lone server), not "stream not found"', async () => {
    await t.jsm.streams.delete('SCHED_EVENTS'); // the one beforeEach created
    await expect(createJetStreamEventStore(t.nc, { replicas: 3 })).rejects.toThrow(
      /^the server refused to create the event log stream SCHED_EVENTS \(3 replicas, EVENT_STORE_REPLICAS\): replicas > 1 not supported in non-clustered mode/,
    );
  });

  it('keeps working on a log created without direct gets, which the services may not update', async () => {
    const { allow_direct: _direct, ...withoutDirect } = eventStreamConfig('SCHED_EVENTS', 1);
    await t.jsm.streams.delete('SCHED_EVENTS'); // the one beforeEach created
    await t.jsm.streams.add({ ...withoutDirect, allow_direct: false });
    const old = await createJetStreamEventStore(t.nc);
    try {
      expect((await t.jsm.streams.info('SCHED_EVENTS')).config.allow_direct).toBe(false); // left as it was
      const id = streamId('execution');
      await old.append(id, events(2), { expected: 'no_stream' });
      await old.append(id, events(1), { expected: 1 });
      expect((await old.read(id)).map((event) => event.revision)).toEqual([0, 1, 2]);
    } finally {
      await old.close();
    }
  });

  it('stores one message per append on es.<category>.<id>, deduplicated by the first event id', async () => {
    const id = streamId('execution');
    const first = await t.store.append(id, events(1), { expected: 'no_stream' });
    const batch = events(3);
    const result = await t.store.append(id, batch, { expected: 0 });
    const message = await t.jsm.streams.getMessage('SCHED_EVENTS', { last_by_subj: `es.execution.${id.slice('execution-'.length)}` });
    expect(message?.seq).toBe(Math.floor(result.position / 1000));
    expect(message?.header.get('Nats-Msg-Id')).toBe(batch[0].id);
    expect(message?.json()).toEqual({ r: 1, p: Math.floor(first.position / 1000), e: batch });
    expect(result).toEqual({ nextExpectedVersion: 3, position: message!.seq * 1000 + 2 });
  });

  it('answers a retried append (same events, same expected version) with the original result', async () => {
    const id = streamId('task');
    const batch = events(2);
    const first = await t.store.append(id, batch, { expected: 'no_stream' });
    await expect(t.store.append(id, batch, { expected: 'no_stream' })).resolves.toEqual(first);
    expect(await t.store.read(id)).toHaveLength(2);
  });

  it('rejects an event id already appended to another stream within the duplicate window', async () => {
    const [event] = events(1);
    await t.store.append(streamId('task'), [event], { expected: 'no_stream' });
    await expect(t.store.append(streamId('task'), [event], { expected: 'no_stream' })).rejects.toBeInstanceOf(InvalidAppendError);
  });

  it('rejects an append larger than the server max payload, writing nothing', async () => {
    const id = streamId('task');
    const [big] = events(1, 'Big');
    const huge = { ...big, data: { blob: 'x'.repeat(2 * 1024 * 1024) } };
    await expect(t.store.append(id, [huge], { expected: 'no_stream' })).rejects.toBeInstanceOf(InvalidAppendError);
    expect(await t.store.read(id)).toEqual([]);
  });

  it('deletes the consumers it creates for reads and closed subscriptions', async () => {
    const id = streamId('task');
    for (let i = 0; i < 40; i++) await t.store.append(id, events(1), { expected: i === 0 ? 'no_stream' : i - 1 });
    expect(await t.store.read(id)).toHaveLength(40); // longer than the backward walk: uses a consumer
    const collector = new Collector(t.store.subscribeAll({ from: 'start' }));
    await collector.until((await t.store.read(id))[39].id);
    await collector.close();
    // Deletes are fire-and-forget: poll the server until they have landed.
    let count = Number.NaN;
    for (const deadline = Date.now() + 5_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
      count = (await t.jsm.consumers.list('SCHED_EVENTS').next()).length;
      if (count === 0) break;
    }
    expect(count).toBe(0);
  });

  it('completes an append issued while nats-server is down once it is back, exactly once', async () => {
    const id = streamId('task');
    await t.store.append(id, events(1), { expected: 'no_stream' });
    await t.nats.stop();
    const pending = t.store.append(id, events(2), { expected: 0 });
    await t.nats.restart();
    await expect(pending).resolves.toMatchObject({ nextExpectedVersion: 2 });
    expect((await t.store.read(id)).map((event) => event.revision)).toEqual([0, 1, 2]);
  });

  it('gives up with EventStoreUnavailableError when the server stays down past the deadline', async () => {
    const impatient = await createJetStreamEventStore(t.nc, { operationDeadlineMs: 300, requestTimeoutMs: 200 });
    await t.nats.stop();
    try {
      await expect(impatient.append(streamId('task'), events(1), { expected: 'any' })).rejects.toBeInstanceOf(
        EventStoreUnavailableError,
      );
      await expect(impatient.read(streamId('task'))).rejects.toBeInstanceOf(EventStoreUnavailableError);
    } finally {
      await t.nats.restart();
      await t.store.headPosition(); // the shared connection is back before cleanup talks to the server
      await impatient.close();
    }
  });

  it('keeps acknowledged appends and live subscriptions through a SIGKILL of nats-server', async () => {
    await expectLiveAcross(async () => {
      await t.nats.kill('SIGKILL');
      await t.nats.restart();
    }, 20_000, false);
  });

  it('resumes a live subscription at once when JetStream comes back a moment after the connection does', async () => {
    // nats.js alone, when its check after a reconnect fails (here: a server without JetStream answers first), waits a
    // whole pull expiry (30 s) before it looks again; the subscription must resume as soon as JetStream answers.
    await expectLiveAcross(async () => {
      const reconnected = nextReconnect(t.nc);
      await t.nats.stop();
      const withoutJetStream = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(t.nats.port)], { stdio: 'ignore' });
      try {
        await reconnected;
        await new Promise((resolve) => setTimeout(resolve, 500)); // nats.js checks its consumer now, and fails
      } finally {
        withoutJetStream.kill('SIGTERM');
        await new Promise((resolve) => withoutJetStream.once('exit', resolve));
      }
      await t.nats.restart();
    }, 8_000, true);
  }, 30_000);
});

describe('log dispatch consumer', () => {
  it('on an empty log starts at its first commit, with the work queue\'s delivery guarantees', async () => {
    expect(await ensureLogDispatch(t.jsm, 'SCHED_EVENTS', 4_000)).toEqual({ startSeq: 1 });
    const { config } = await t.jsm.consumers.info('SCHED_EVENTS', LOG_DISPATCH_CONSUMER);
    expect(config).toMatchObject({
      durable_name: LOG_DISPATCH_CONSUMER,
      filter_subject: 'es.execution.>',
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: 1,
      ack_policy: AckPolicy.Explicit,
      ack_wait: 4_000_000_000,
    });
  });

  it('on a log with history starts after it, and keeps that start however many processes ask, at once or later', async () => {
    for (let i = 0; i < 3; i++) await t.store.append(streamId('execution'), events(1), { expected: 'no_stream' });
    const starts = await Promise.all(Array.from({ length: 5 }, () => ensureLogDispatch(t.jsm, 'SCHED_EVENTS', 30_000)));
    expect(starts).toEqual(Array.from({ length: 5 }, () => ({ startSeq: 4 })));
    await t.store.append(streamId('execution'), events(1), { expected: 'no_stream' });
    expect(await ensureLogDispatch(t.jsm, 'SCHED_EVENTS', 30_000)).toEqual({ startSeq: 4 });
    expect((await t.jsm.consumers.list('SCHED_EVENTS').next()).map((info) => info.name)).toEqual([LOG_DISPATCH_CONSUMER]);
  });

  it('delivers the commits of execution streams from its start on, each stream\'s first one telling its first event', async () => {
    await t.store.append(streamId('execution'), events(1), { expected: 'no_stream' }); // before: not delivered
    await ensureLogDispatch(t.jsm, 'SCHED_EVENTS', 30_000);
    const execution = streamId('execution');
    const [due] = events(1, 'TaskDue');
    await t.store.append(execution, [due], { expected: 'no_stream' });
    await t.store.append(streamId('task'), events(1), { expected: 'no_stream' }); // not an execution: not delivered
    await t.store.append(execution, events(2), { expected: 0 });
    const consumer = await jetstream(t.nc).consumers.get('SCHED_EVENTS', LOG_DISPATCH_CONSUMER);
    const batch = await consumer.fetch({ max_messages: 10, expires: 1_000 });
    const delivered = [];
    for await (const msg of batch) {
      delivered.push({ seq: msg.seq, first: streamStartEvents(msg)?.[0].id });
      msg.ack();
    }
    expect(delivered).toEqual([
      { seq: 2, first: due.id },
      { seq: 4, first: undefined },
    ]);
  });

  it('a store told of a delivered first commit appends after it without reading the stream; a stale note conflicts', async () => {
    await ensureLogDispatch(t.jsm, 'SCHED_EVENTS', 30_000);
    const execution = streamId('execution');
    await t.store.append(execution, events(1, 'TaskDue'), { expected: 'no_stream' });
    const consumer = await jetstream(t.nc).consumers.get('SCHED_EVENTS', LOG_DISPATCH_CONSUMER);
    let firstCommit: RecordedEvent[] | undefined;
    for await (const msg of await consumer.fetch({ max_messages: 1, expires: 1_000 })) {
      firstCommit = streamStartEvents(msg);
      msg.ack();
    }
    const executor = await createJetStreamEventStore(t.nc, { operationDeadlineMs: 5_000 }); // another process: nothing cached
    const lastCommit = jest.spyOn((executor as unknown as { reader: { lastCommit: () => unknown } }).reader, 'lastCommit');
    executor.noteCommitted(execution, firstCommit!);
    await expect(executor.append(execution, events(2), { expected: 0 })).resolves.toMatchObject({ nextExpectedVersion: 2 });
    expect(lastCommit).not.toHaveBeenCalled();
    const late = await createJetStreamEventStore(t.nc, { operationDeadlineMs: 5_000 });
    late.noteCommitted(execution, firstCommit!);
    await expect(late.append(execution, events(1), { expected: 0 })).rejects.toMatchObject({ name: 'WrongExpectedVersionError' });
    expect((await t.store.read(execution)).map((event) => event.revision)).toEqual([0, 1, 2]);
    await Promise.all([executor.close(), late.close()]);
  });
});

/**
 * Appends, lives through `outage`, appends again: a live subscription from the start must deliver every event once,
 * in order, the last within `timeoutMs` of its append. With `delivered`, the outage starts once the first appends
 * were delivered (the subscription's consumer is in place); without, right after they were acknowledged.
 */
async function expectLiveAcross(outage: () => Promise<void>, timeoutMs: number, delivered: boolean): Promise<void> {
  const id = streamId('execution');
  const collector = new Collector(t.store.subscribeAll({ from: 'start', filter: { streamPrefixes: ['execution-'] } }));
  const before = events(3);
  await t.store.append(id, before, { expected: 'no_stream' });
  if (delivered) await collector.until(before[2].id, 5_000);
  await outage();
  const after = events(3);
  await t.store.append(id, after, { expected: 2 });
  await collector.until(after[2].id, timeoutMs);
  await collector.close();
  expect(collector.ids()).toEqual([...before, ...after].map((event) => event.id));
}

/** Resolves at the connection's next reconnect. */
async function nextReconnect(connection: NatsConnection): Promise<void> {
  const status = connection.status();
  for await (const change of status) {
    if (change.type === 'reconnect') break;
  }
}

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
