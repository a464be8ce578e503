import { PassThrough } from 'node:stream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { EventMetadata } from '@sched/contracts';
import { connectNats } from '../../../messaging/src/nats-connection';
import { startTestNats, type TestNats } from '../../../../test/support/nats';
import type { EventStore } from '../event-store.port';
import { createJetStreamEventStore } from '../jetstream/jetstream-event-store';
import { MemoryEventStore } from '../memory/memory-event-store';
import { anEvent, drain, events, streamId } from '../testing/fixtures';
import { exportHistory } from './export-history';
import { HistoryTransferError } from './history-line';
import { importHistory } from './import-history';

async function exported(store: EventStore): Promise<string[]> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  await exportHistory(store, out);
  out.end();
  return Buffer.concat(chunks).toString('utf8').split('\n').filter((line) => line !== '');
}

async function* linesOf(lines: readonly string[]): AsyncGenerator<string> {
  yield* lines;
}

/** Several streams, interleaved, with single- and multi-event commits and metadata beyond the required fields. */
async function writeHistory(store: EventStore): Promise<void> {
  const task = streamId('task');
  const executions = [streamId('execution'), streamId('execution')];
  await store.append(task, [anEvent('TaskCreated', { name: 'ü & "quotes"', schedules: [{ every: '10s' }] })], { expected: 'no_stream' });
  await store.append(executions[0], events(1, 'TaskDue'), { expected: 'no_stream' });
  await store.append(executions[1], events(1, 'TaskDue'), { expected: 'no_stream' });
  await store.append(executions[0], [...events(1, 'TaskStarted'), ...events(1, 'TaskSucceeded')], { expected: 0 });
  const paused = anEvent('TaskPaused', { note: null });
  await store.append(task, [{ ...paused, metadata: { ...paused.metadata, actor: 'ops', hash: 'abc' } as typeof paused.metadata }], { expected: 0 });
  await store.append(executions[1], events(3, 'TaskProgressed'), { expected: 0 });
}

describe('export / import of a full history', () => {
  const servers: TestNats[] = [];
  const connections: NatsConnection[] = [];
  const jetstream = async (): Promise<EventStore> => {
    const nats = await startTestNats();
    servers.push(nats);
    const nc = await connectNats(nats.url, 'transfer-test');
    connections.push(nc);
    // The fixtures' events carry sched's type names with test data: copied as they are, as an export copies.
    return createJetStreamEventStore(nc, { checkEventContracts: false });
  };
  afterAll(async () => {
    for (const nc of connections) await nc.close();
    for (const nats of servers) await nats.cleanup();
  });

  it('jetstream → memory → a fresh jetstream gives identical histories: order, revisions, ids, metadata, commits', async () => {
    const source = await jetstream();
    await writeHistory(source);
    const original = await exported(source);
    expect(original).toHaveLength(9);

    const memory = new MemoryEventStore();
    expect(await importHistory(memory, linesOf(original))).toEqual({ appended: 9, skipped: 0, commits: 6 });
    expect(await exported(memory)).toEqual(original);

    const target = await jetstream();
    expect(await importHistory(target, linesOf(await exported(memory)))).toEqual({ appended: 9, skipped: 0, commits: 6 });
    expect(await exported(target)).toEqual(original);
    // Same commits means the same positions too (commit sequence * 1000 + index on both sides).
    expect((await drain(target.readAll())).map((e) => e.position)).toEqual((await drain(source.readAll())).map((e) => e.position));
    await Promise.all([source.close(), target.close(), memory.close()]);
  });

  it('is idempotent: a re-run skips what is there, and an interrupted import resumes', async () => {
    const source = new MemoryEventStore();
    await writeHistory(source);
    const lines = await exported(source);
    const target = new MemoryEventStore();
    // Interrupted after the first three commits (appends are atomic, so an interruption falls between commits).
    await importHistory(target, linesOf(lines.slice(0, 3)));
    expect(await importHistory(target, linesOf(lines))).toMatchObject({ appended: 6, skipped: 3 });
    expect(await importHistory(target, linesOf(lines))).toEqual({ appended: 0, skipped: 9, commits: 0 });
    expect(await exported(target)).toEqual(lines);
  });

  it('refuses a target whose streams hold other events, and lines that are not history', async () => {
    const source = new MemoryEventStore();
    await writeHistory(source);
    const lines = await exported(source);
    const target = new MemoryEventStore();
    const first = JSON.parse(lines[0]) as { streamId: string };
    await target.append(first.streamId, events(1), { expected: 'no_stream' });
    await expect(importHistory(target, linesOf(lines))).rejects.toThrow(HistoryTransferError);
    await expect(importHistory(new MemoryEventStore(), linesOf(['{"streamId":"task-1"}']))).rejects.toThrow(/line 1/);
    // A bad line midway says how much went in before it (it stopped without saying so), and a corrected file resumes.
    const halfway = new MemoryEventStore();
    const broken = [...lines.slice(0, 4), '{"streamId":"task-1"}', ...lines.slice(4)];
    await expect(importHistory(halfway, linesOf(broken))).rejects.toThrow(/^line 5: .* \(stopped after appending \d+ events: the lines before it are in the target/);
    expect(await importHistory(halfway, linesOf(lines))).toMatchObject({ skipped: expect.any(Number) });
    expect(await exported(halfway)).toEqual(lines);
  });

  it('refuses a target holding an event of the same id with other content (it was skipped as already imported)', async () => {
    const source = new MemoryEventStore();
    await writeHistory(source);
    const lines = await exported(source);
    const first = JSON.parse(lines[0]) as { streamId: string; id: string; type: string; data: Record<string, unknown>; metadata: EventMetadata };
    for (const changed of [{ data: { ...first.data, name: 'edited' } }, { metadata: { ...first.metadata, actor: 'someone else' } }, { type: 'TaskUpdated' }]) {
      const target = new MemoryEventStore();
      await target.append(first.streamId, [{ id: first.id, type: first.type, data: first.data, metadata: first.metadata, ...changed }], { expected: 'no_stream' });
      await expect(importHistory(target, linesOf(lines))).rejects.toThrow(`${first.streamId} revision 0: event ${first.id} in the target differs from the export's`);
    }
    // The same event with its keys in another order is the same event.
    const reordered = new MemoryEventStore();
    const keysReversed = (value: Record<string, unknown>) => Object.fromEntries(Object.entries(value).reverse());
    await reordered.append(first.streamId, [{ id: first.id, type: first.type, data: keysReversed(first.data), metadata: keysReversed(first.metadata) as EventMetadata }], { expected: 'no_stream' });
    expect(await importHistory(reordered, linesOf(lines))).toMatchObject({ skipped: 1, appended: 8 });
  });
});
