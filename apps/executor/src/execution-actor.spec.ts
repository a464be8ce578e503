import { toExecutionStreamId } from '@sched/contracts';
import { executionDecider } from '@sched/domain';
import { toEnvelopes, type MemoryEventStore } from '@sched/event-store';
import { isOwnershipLost } from './attempt-runner';
import { ExecutionActor } from './execution-actor';
import { cause, scheduled } from './testing/scheduled-execution';

const types = async (store: MemoryEventStore) => (await store.read(toExecutionStreamId('e1'))).map((event) => event.type);

describe('execution actor', () => {
  it('two executors racing on one attempt: one wins, the other is told it lost', async () => {
    const store = await scheduled();
    const [a, b] = [new ExecutionActor(store, 'e1', 'wa'), new ExecutionActor(store, 'e1', 'wb')];
    await Promise.all([a.load(), b.load()]);
    const results = await Promise.allSettled([a.start(1), b.start(1)]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    expect(isOwnershipLost(rejected.reason)).toBe(true);
    expect(await types(store)).toEqual(['TaskDue', 'TaskStarted']);
  });

  it('a cancel request appended meanwhile: the next append reads it, reports it and still goes through', async () => {
    const store = await scheduled();
    const actor = new ExecutionActor(store, 'e1', 'w');
    await actor.load();
    await actor.start(1);
    const onCancel = jest.fn();
    actor.onCancelRequested = onCancel;
    const stream = await store.read(toExecutionStreamId('e1'));
    const request = toEnvelopes([{ type: 'TaskCancelRequested', data: { reason: 'stop' } }], cause);
    await store.append(toExecutionStreamId('e1'), request, { expected: stream.length - 1 });
    await actor.progress(1, { percent: 10 });
    expect(onCancel).toHaveBeenCalledTimes(1);
    await actor.cancelAttempt(1, []);
    expect(await types(store)).toEqual(['TaskDue', 'TaskStarted', 'TaskCancelRequested', 'TaskProgressed', 'TaskCancelled']);
  });

  it("stamps its events no earlier than the stream's last one (a gateway whose clock is a minute ahead asked to cancel)", async () => {
    const store = await scheduled();
    const actor = new ExecutionActor(store, 'e1', 'w');
    await actor.load();
    await actor.start(1);
    const ahead = Date.now() + 60_000;
    const request = toEnvelopes([{ type: 'TaskCancelRequested', data: { reason: 'stop' } }], { ...cause, nowMs: ahead });
    await store.append(toExecutionStreamId('e1'), request, { expected: 1 });
    await actor.progress(1, { percent: 10 }); // conflicts, reads the request, decides and stamps again
    await actor.cancelAttempt(1, []);
    const stamps = (await store.read(toExecutionStreamId('e1'))).slice(2).map((event) => [event.type, Date.parse(event.metadata.occurredAt)]);
    expect(stamps).toEqual([['TaskCancelRequested', ahead], ['TaskProgressed', ahead], ['TaskCancelled', ahead]]);
  });

  it('the last progress and the success are one commit', async () => {
    const store = await scheduled();
    const actor = new ExecutionActor(store, 'e1', 'w');
    await actor.load();
    await actor.start(1);
    await actor.succeed(1, { ok: true }, [], { percent: 100 });
    const [progressed, succeeded] = (await store.read(toExecutionStreamId('e1'))).slice(-2);
    expect([progressed.type, succeeded.type]).toEqual(['TaskProgressed', 'TaskSucceeded']);
    expect(succeeded.position - progressed.position).toBe(1);
  });

  it('group commit: a start held for a window goes out with the outcome in one commit', async () => {
    const store = await scheduled();
    const actor = new ExecutionActor(store, 'e1', 'w');
    await actor.load();
    await actor.start(1, 60_000);
    expect(actor.current.status).toBe('running'); // runs as started meanwhile
    expect(await types(store)).toEqual(['TaskDue']);
    await actor.succeed(1, { ok: true }, []);
    const [started, succeeded] = (await store.read(toExecutionStreamId('e1'))).slice(-2);
    expect([started.type, succeeded.type]).toEqual(['TaskStarted', 'TaskSucceeded']);
    expect(succeeded.position - started.position).toBe(1);
  });

  it('group commit: a longer attempt commits its start when the window closes; a start that cannot happen throws at once', async () => {
    const store = await scheduled();
    const actor = new ExecutionActor(store, 'e1', 'w');
    await actor.load();
    await actor.start(1, 5);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await types(store)).toEqual(['TaskDue', 'TaskStarted']);
    await expect(actor.start(1, 5)).rejects.toThrow();
  });

  it('group commit: a held start that loses to another writer is reported, and a discarded one is never written', async () => {
    const store = await scheduled();
    const [a, b] = [new ExecutionActor(store, 'e1', 'wa'), new ExecutionActor(store, 'e1', 'wb')];
    await Promise.all([a.load(), b.load()]);
    const lost = new Promise<unknown>((resolve) => (a.onHeldCommitFailed = resolve));
    await a.start(1, 5);
    await b.start(1);
    expect(isOwnershipLost(await lost)).toBe(true);
    const c = new ExecutionActor(await scheduled(), 'e1', 'wc');
    await c.load();
    await c.start(1, 5);
    c.discardHeld();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(c.current.status).toBe('due');
  });

  it('seeded with the stream\'s first commit from the log: starts and succeeds without reading the stream', async () => {
    const store = await scheduled();
    const firstCommit = await store.read(toExecutionStreamId('e1'));
    const read = jest.spyOn(store, 'read');
    const actor = new ExecutionActor(store, 'e1', 'w');
    expect(actor.seed(firstCommit).status).toBe('due');
    await actor.start(1, 60_000);
    await actor.succeed(1, { ok: true }, []);
    expect(read).not.toHaveBeenCalled();
    read.mockRestore();
    expect(await types(store)).toEqual(['TaskDue', 'TaskStarted', 'TaskSucceeded']);
    expect(() => actor.seed(firstCommit)).toThrow(/new actor/);
  });

  it('seeded with a commit the stream has moved on from (cancelled meanwhile): the start conflicts, reads, and is refused', async () => {
    const store = await scheduled();
    const firstCommit = await store.read(toExecutionStreamId('e1'));
    const cancel = executionDecider.decide({ type: 'RequestCancel', data: { executionId: 'e1', reason: 'stop' } }, firstCommit.reduce((state, event) => executionDecider.evolve(state, event as never), executionDecider.initialState()));
    await store.append(toExecutionStreamId('e1'), toEnvelopes(cancel, cause), { expected: 0 });
    const actor = new ExecutionActor(store, 'e1', 'w');
    actor.seed(firstCommit);
    await actor.start(1, 60_000); // held: decided on the seeded state, as the attempt starts at once
    const refused = await actor.succeed(1, { ok: true }, []).catch((error: unknown) => error);
    expect(isOwnershipLost(refused)).toBe(true);
    actor.discardHeld(); // as the runtime does when an attempt ends
    expect(actor.current.status).toBe('cancelled');
    expect(await types(store)).toEqual(['TaskDue', 'TaskCancelRequested', 'TaskCancelled']);
  });
});
