import type { JsMsg } from '@nats-io/jetstream';
import { WORKFLOW_EXECUTOR, type EventEnvelope } from '@sched/contracts';
import { encodeCommit } from '../../../libs/event-store/src/jetstream/commit-codec';
import { anEvent } from '../../../libs/event-store/src/testing/fixtures';
import { SEED_MAX_AGE_MS, seedOf, stillEndsWithIn, workFromLog, workFromQueue } from './work-sources';

/** A delivered message: its bytes, and what the code did with it. */
function delivered(subject: string, data: Uint8Array) {
  const settled: string[] = [];
  const msg = {
    subject,
    seq: 7,
    data,
    json: () => JSON.parse(Buffer.from(data).toString('utf8')) as unknown,
    ack: () => void settled.push('ack'),
    term: () => void settled.push('term'),
  } as unknown as JsMsg;
  return { msg, settled };
}

const due = (executor: string, policy: { maxConcurrent?: number; overlap?: 'skip' } = {}): EventEnvelope =>
  anEvent('TaskDue', { taskId: 't1', executionId: 't1@1000', executor, config: {}, scheduledAt: new Date(1000).toISOString(), reason: 'schedule', taskRevision: 0, ...policy });

describe('work sources', () => {
  const malformed: JsMsg[] = [];
  const onMalformed = (msg: JsMsg): void => void malformed.push(msg);
  beforeEach(() => (malformed.length = 0));

  it('from the log: an execution stream\'s first commit is its first attempt, left unsettled for the attempt to ack', () => {
    const { msg, settled } = delivered('es.execution.t1@1000', encodeCommit(0, 0, [due('noop')]));
    const before = Date.now();
    const work = workFromLog(msg, onMalformed);
    expect(work?.item).toEqual({ executionId: 't1@1000', taskId: 't1', executor: 'noop', attempt: 1 });
    expect(work?.firstCommit).toMatchObject([{ type: 'TaskDue', streamId: 'execution-t1@1000', revision: 0 }]);
    // When it was received, to tell a start held until its instant from one that got here late (the metrics).
    expect(work?.receivedAtMs).toBeGreaterThanOrEqual(before);
    expect(work?.receivedAtMs).toBeLessThanOrEqual(Date.now());
    expect(settled).toEqual([]);
  });

  it('a first delivery from the log is started from its commit, however old; a redelivery or a queued item is read first', () => {
    const { msg } = delivered('es.execution.t1@1000', encodeCommit(0, 0, [due('noop')]));
    const work = workFromLog(msg, onMalformed)!;
    const nowMs = 1_700_000_000_000;
    expect(seedOf(work, { deliveryCount: 1, timestampNanos: (nowMs - 3) * 1e6 }, nowMs)).toBe(work.firstCommit);
    expect(seedOf(work, { deliveryCount: 1, timestampNanos: (nowMs - 3_600_000) * 1e6 }, nowMs)).toBe(work.firstCommit);
    expect(seedOf(work, { deliveryCount: 2, timestampNanos: nowMs * 1e6 }, nowMs)).toBeUndefined();
    expect(seedOf({ item: work.item, receivedAtMs: nowMs }, { deliveryCount: 1, timestampNanos: nowMs * 1e6 }, nowMs)).toBeUndefined();
  });

  it.each([{ maxConcurrent: 2 }, { overlap: 'skip' as const }])('a first delivery of a task sharing slots (%j) is started from its commit only when fresh', (policy) => {
    const { msg } = delivered('es.execution.t1@1000', encodeCommit(0, 0, [due('noop', policy)]));
    const work = workFromLog(msg, onMalformed)!;
    const nowMs = 1_700_000_000_000;
    const storedAt = (ms: number) => ms * 1e6;
    expect(seedOf(work, { deliveryCount: 1, timestampNanos: storedAt(nowMs - 3) }, nowMs)).toBe(work.firstCommit);
    expect(seedOf(work, { deliveryCount: 1, timestampNanos: storedAt(nowMs - SEED_MAX_AGE_MS) }, nowMs)).toBe(work.firstCommit);
    expect(seedOf(work, { deliveryCount: 1, timestampNanos: storedAt(nowMs - SEED_MAX_AGE_MS - 1) }, nowMs)).toBeUndefined();
    expect(seedOf(work, { deliveryCount: 2, timestampNanos: storedAt(nowMs) }, nowMs)).toBeUndefined();
    expect(seedOf({ item: work.item, receivedAtMs: nowMs }, { deliveryCount: 1, timestampNanos: storedAt(nowMs) }, nowMs)).toBeUndefined();
  });

  it('an old first delivery of a task sharing slots is started from its commit when the store vouches the stream still ends with it', () => {
    const { msg } = delivered('es.execution.t1@1000', encodeCommit(0, 0, [due('noop', { maxConcurrent: 1 })]));
    const work = workFromLog(msg, onMalformed)!;
    const nowMs = 1_700_000_000_000;
    const old = { deliveryCount: 1, timestampNanos: (nowMs - 60_000) * 1e6 };
    const asked: unknown[] = [];
    let tracking = 0;
    const store = (answer: boolean) =>
      ({ trackEnds: () => tracking++, endsAt: (...args: unknown[]) => (asked.push(args), answer) }) as unknown as Parameters<typeof stillEndsWithIn>[0];
    const vouching = stillEndsWithIn(store(true));
    expect(tracking).toBe(1); // asked to track at once, before any delivery it will be asked about
    expect(seedOf(work, old, nowMs, vouching)).toBe(work.firstCommit);
    expect(asked).toEqual([['execution-t1@1000', work.firstCommit![0].position, SEED_MAX_AGE_MS]]);
    expect(seedOf(work, old, nowMs, stillEndsWithIn(store(false)))).toBeUndefined();
    expect(seedOf(work, old, nowMs, stillEndsWithIn({} as Parameters<typeof stillEndsWithIn>[0]))).toBeUndefined(); // cannot tell
    expect(seedOf(work, { ...old, deliveryCount: 2 }, nowMs, stillEndsWithIn(store(true)))).toBeUndefined();
  });

  it('from the log: a later commit of the execution, or a workflow run\'s TaskDue, is acked at once and is no work', () => {
    const later = delivered('es.execution.t1@1000', encodeCommit(1, 3, [anEvent('TaskStarted'), anEvent('TaskSucceeded')]));
    expect(workFromLog(later.msg, onMalformed)).toBeUndefined();
    expect(later.settled).toEqual(['ack']);
    const workflow = delivered('es.execution.t1@1000', encodeCommit(0, 0, [due(WORKFLOW_EXECUTOR)]));
    expect(workFromLog(workflow.msg, onMalformed)).toBeUndefined();
    expect(workflow.settled).toEqual(['ack']);
    expect(malformed).toEqual([]);
  });

  it('from the log: a first commit that does not decode is terminated and reported', () => {
    const { msg, settled } = delivered('es.execution.t1@1000', Buffer.from('{"r":0,"e":42}'));
    expect(workFromLog(msg, onMalformed)).toBeUndefined();
    expect(settled).toEqual(['term']);
    expect(malformed).toEqual([msg]);
  });

  it('from the queue: a work item, or a malformed one terminated and reported', () => {
    const item = { executionId: 't1@1000', taskId: 't1', executor: 'noop', attempt: 2 };
    const good = delivered('sched.work.noop', Buffer.from(JSON.stringify(item)));
    expect(workFromQueue(good.msg, onMalformed)).toEqual({ item, receivedAtMs: expect.any(Number) });
    expect(good.settled).toEqual([]);
    for (const body of ['not json', JSON.stringify({ executionId: 't1@1000', attempt: 0 })]) {
      const bad = delivered('sched.work.noop', Buffer.from(body));
      expect(workFromQueue(bad.msg, onMalformed)).toBeUndefined();
      expect(bad.settled).toEqual(['term']);
    }
    expect(malformed).toHaveLength(2);
  });
});
