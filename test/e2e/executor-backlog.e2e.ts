import { Subjects, toExecutionStreamId } from '@sched/contracts';
import type { EventStore } from '@sched/event-store';
import { EVENT_STORE } from '@sched/messaging';
import { SEED_MAX_AGE_MS } from '../../apps/executor/src/work-sources';
import { waitFor } from '../support/system';
import { createTask, historyOf, trigger, typesOf, waitForEnd } from '../support/executions';
import { useSystemWithHeldHttp } from '../support/held-http';

/**
 * Executions queued behind a busy executor (one slot, held by a call the test answers when it chooses) longer than
 * SEED_MAX_AGE_MS, some cancelled while they waited. The work has side effects (an HTTP call): a cancelled one must
 * never run. A task that shares no slots starts from the commit the log dispatch delivered, however old (the start's
 * append conflicts with the cancel, and the actor reads then); one with a concurrency limit starts from it only when
 * the live tail vouches that nothing was appended since (a cancel-other or a slot acts before the start's append).
 */
describe('executor backlog', () => {
  /** The blocker's call is answered only when the test says so: it holds the executor's one slot until then. */
  const context = useSystemWithHeldHttp({ EXECUTOR_CONCURRENCY: '1' });

  it('runs what waited in the backlog, and not what was cancelled meanwhile', async () => {
    const { system, http } = context;
    const { url, calls } = http;
    const blocker = await trigger(system, await createTask(system, { executor: 'http', config: { url: url('blocker') } }));
    await waitFor(() => calls.includes('/blocker'), 5_000, 'the blocker running');
    const queued = async (name: string, policy: Record<string, unknown>) => {
      const taskId = await createTask(system, { executor: 'http', config: { url: url(name) }, ...policy });
      return { taskId, executionId: await trigger(system, taskId) };
    };
    const cancelled = await queued('cancelled', {});
    const kept = await queued('kept', {});
    const cancelledLimited = await queued('cancelled-limited', { maxConcurrent: 2 });
    const keptLimited = await queued('kept-limited', { maxConcurrent: 2 });
    await new Promise((resolve) => setTimeout(resolve, SEED_MAX_AGE_MS + 100)); // older than a fresh delivery now
    // The relay publishes from the same live tail as the executor's store reads: once a cancel is live, that tail has it.
    const read = jest.spyOn(system.app.get<EventStore>(EVENT_STORE), 'read');
    for (const { taskId, executionId } of [cancelled, cancelledLimited]) {
      const cancelLive = system.nc.subscribe(Subjects.evt.execution(taskId, executionId, 'TaskCancelled'), { max: 1 });
      const reply = await system.request(Subjects.cmd.executionCancel, { executionId, reason: 'not needed' });
      expect(reply).toMatchObject({ ok: true, result: { events: ['TaskCancelRequested', 'TaskCancelled'] } });
      for await (const _ of cancelLive) break;
    }
    http.release();
    for (const { executionId } of [kept, keptLimited]) {
      expect(typesOf(await waitForEnd(system.store, executionId, 15_000))).toEqual(['TaskDue', 'TaskStarted', 'TaskSucceeded']);
    }
    expect(typesOf(await waitForEnd(system.store, blocker)).at(-1)).toBe('TaskSucceeded');
    expect(calls).toEqual(['/blocker', '/kept', '/kept-limited']);
    for (const { executionId } of [cancelled, cancelledLimited]) {
      expect(typesOf(await historyOf(system.store, executionId))).toEqual(['TaskDue', 'TaskCancelRequested', 'TaskCancelled']);
    }
    // Nothing had been appended to the kept ones: no read. The cancelled ones were read: the one that shares no slots
    // after its start's append conflicted, the limited one first (the tail had seen its cancel).
    const streamsRead = read.mock.calls.map(([streamId]) => streamId);
    expect(streamsRead).toEqual(expect.arrayContaining([toExecutionStreamId(cancelled.executionId), toExecutionStreamId(cancelledLimited.executionId)]));
    expect(streamsRead).not.toContain(toExecutionStreamId(kept.executionId));
    expect(streamsRead).not.toContain(toExecutionStreamId(keptLimited.executionId));
  });
});
