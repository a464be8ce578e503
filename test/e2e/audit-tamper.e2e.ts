import * as fs from 'node:fs';
import * as path from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { SchedClient } from '@sched/client';
import { toExecutionStreamId, toTaskStreamId, type EventEnvelope } from '@sched/contracts';
import { chainHash, toSubject } from '@sched/event-store';
import { encodeCommit } from '../../libs/event-store/src/jetstream/commit-codec';
import { startTestSystem, waitFor, type TestSystem } from '../support/system';

/** Every file under `dir` (the JetStream store) holding `needle`. */
function filesContaining(dir: string, needle: Buffer): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(dir, name))
    .filter((file) => fs.statSync(file).isFile() && fs.readFileSync(file).includes(needle));
}

describe('audit: hash-chained streams and tamper evidence', () => {
  let system: TestSystem;
  let client: SchedClient;
  let taskId: string;
  let executionId: string;

  beforeAll(async () => {
    system = await startTestSystem();
    client = await SchedClient.connect(system.nats.url);
    ({ taskId } = await client.createTask({ name: 'audit-me', executor: 'noop', description: 'untouched text' }));
    await client.updateTask({ taskId, description: 'still untouched' });
    ({ executionId } = await client.triggerTask({ taskId }));
    const succeeded = async () => (await system.store.read(toExecutionStreamId(executionId))).some((e) => e.type === 'TaskSucceeded');
    await waitFor(succeeded, 10_000, 'the execution');
  });
  afterAll(async () => {
    await client?.close();
    await system?.close();
  });

  it('every appended event carries a hash chained over its stream; the audit of the task passes', async () => {
    const stream = await system.store.read(toTaskStreamId(taskId));
    expect(stream.map((e) => e.metadata.hash)).toEqual([chainHash('', stream[0]), chainHash(stream[0].metadata.hash!, stream[1]), expect.any(String)]);
    await expect(client.auditVerify({ taskId })).resolves.toEqual({ ok: true, streams: 2, events: 6, unhashed: 0, broken: [] });
  });

  it('a commit forged straight onto the stream subject (valid expected sequence) is named as the broken link', async () => {
    const streamId = toExecutionStreamId(executionId);
    const events = await system.store.read(streamId);
    const last = events[events.length - 1];
    const lastSeq = Math.floor(last.position / 1000);
    const forged: EventEnvelope = {
      id: 'forged-event',
      type: 'TaskSucceeded',
      data: { attempt: 1, result: { forged: true }, durationMs: 1, endedAt: new Date().toISOString() },
      metadata: { ...last.metadata, hash: 'f'.repeat(64) },
    };
    const js = jetstream(system.nc);
    await js.publish(toSubject(streamId), encodeCommit(last.revision + 1, lastSeq, [forged]), { expect: { lastSubjectSequence: lastSeq } });

    const report = await client.auditVerify({ taskId });
    expect(report).toMatchObject({ ok: false, streams: 2, events: 7 });
    expect(report.broken).toEqual([
      expect.objectContaining({ streamId, revision: last.revision + 1, eventId: 'forged-event', reason: 'hash-mismatch', actual: 'f'.repeat(64) }),
    ]);
  });

  /**
   * nats-server checksums every stored message: a message edited on disk no longer loads (2.9 serves the rest of the
   * stream without it). Whichever way the store reacts — the edited event, or a hole where it was — the audit names
   * the first link that no longer holds.
   */
  it('an event edited in the JetStream files (server stopped, same-length edit, restarted) is named as the broken link', async () => {
    const original = Buffer.from('"still untouched"');
    const [file] = filesContaining(system.nats.storeDir, original);
    expect(file).toMatch(/\.blk$/);
    await system.nats.stop();
    const bytes = fs.readFileSync(file);
    bytes.write('"still TAMPERED!"', bytes.indexOf(original));
    fs.writeFileSync(file, bytes);
    await system.nats.restart();

    const events = await waitFor(async () => (await system.store.read(toTaskStreamId(taskId)).catch(() => undefined)), 15_000, 'the store back');
    const report = await waitFor(() => client.auditVerify({ taskId }).catch(() => undefined), 15_000, 'an audit report');
    expect(report.ok).toBe(false);
    const edited = events.find((e) => e.revision === 1);
    const expected = edited
      ? { revision: 1, eventId: edited.id, reason: 'hash-mismatch' } // the server served the edited bytes
      : { revision: 2, eventId: events[1].id, reason: 'revision-gap', expected: 'revision 1' }; // it dropped them
    expect(report.broken[0]).toMatchObject({ streamId: toTaskStreamId(taskId), ...expected });
  }, 45_000);

  /**
   * A commit published around the store onto the subject, claiming a revision the stream already has and naming an
   * earlier commit as its previous, with hashes chained right: every read follows the chain back from the last
   * commit, so the commits it skips are gone from reads and the chain holds. Before, the audit answered OK (and the
   * execution read as failed).
   */
  it('a commit that re-uses a revision and skips commits (hashes chained right) is named off-chain', async () => {
    // A task of its own: the one above was edited on disk.
    const { taskId: other } = await client.createTask({ name: 'audit-rewrite', executor: 'noop' });
    const { executionId: rewritten } = await client.triggerTask({ taskId: other });
    const streamId = toExecutionStreamId(rewritten);
    const original = await waitFor(async () => {
      const events = await system.store.read(streamId);
      return events.some((e) => e.type === 'TaskSucceeded') && events;
    }, 10_000, 'the execution');
    const due = original[0];
    const dueSeq = Math.floor(due.position / 1000);
    const failed: EventEnvelope = {
      id: 'rewritten-outcome',
      type: 'TaskFailed',
      data: { attempt: 1, error: { type: 'Forged', message: 'rewritten outcome', retryable: false }, final: true, durationMs: 1, endedAt: new Date().toISOString() },
      metadata: { ...due.metadata, hash: undefined },
    };
    failed.metadata.hash = chainHash(due.metadata.hash!, failed);
    const forgedSeq = (await jetstream(system.nc).publish(toSubject(streamId), encodeCommit(1, dueSeq, [failed]))).seq;
    expect((await system.store.read(streamId)).map((e) => e.id)).toEqual([due.id, 'rewritten-outcome']); // what reads see

    const report = await client.auditVerify({ executionId: rewritten });
    expect(report.ok).toBe(false);
    expect(report.broken).toEqual([
      expect.objectContaining({ streamId, position: forgedSeq * 1000, reason: 'off-chain', actual: `revision 1 after commit ${dueSeq}` }),
    ]);
  });
});
