import { Subjects, toExecutionStreamId } from '@sched/contracts';
import type { EventStore } from '@sched/event-store';
import { EVENT_STORE } from '@sched/messaging';
import { SEED_MAX_AGE_MS } from '../../apps/executor/src/work-sources';
import { waitFor } from '../support/system';
import { createTask, historyOf, trigger, typesOf, waitForEnd } from '../support/executions';
import { useSystemWithHeldHttp } from '../support/held-http';

/**
 * Executions queued behind a busy executor (one slot, held by a call the test answers when it chooses) longer than
 * SEED_MAX_AGE_MS: the executor starts them from the commit the log dispatch delivered when its live tail vouches
 * that nothing was appended since, and must still never run one that was cancelled while it waited (the work has
 * side effects: here, an HTTP call).
 */
describe('executor backlog', () => {
  /** The blocker's call is answered only when the test says so: it holds the executor's one slot until then. */
  const context = useSystemWithHeldHttp({ EXECUTOR_CONCURRENCY: '1' });

  it('runs what waited in the backlog, and not what was cancelled meanwhile', async () => {
    const { system, http } = context;
    const { url, calls } = http;
    const blocker = await trigger(system, await createTask(system, { executor: 'http', config: { url: url('blocker') } }));
    await waitFor(() => calls.includes('/blocker'), 5_000, 'the blocker running');
    const cancelledTask = await createTask(system, { executor: 'http', config: { url: url('cancelled') } });
    const cancelled = await trigger(system, cancelledTask);
    const kept = await trigger(system, await createTask(system, { executor: 'http', config: { url: url('kept') } }));
    await new Promise((resolve) => setTimeout(resolve, SEED_MAX_AGE_MS + 100)); // both are older than a fresh delivery now
    // The relay publishes from the same live tail as the executor's store reads: once the cancel is live, that tail has it.
    const cancelLive = system.nc.subscribe(Subjects.evt.execution(cancelledTask, cancelled, 'TaskCancelled'), { max: 1 });
    const read = jest.spyOn(system.app.get<EventStore>(EVENT_STORE), 'read');
    const reply = await system.request(Subjects.cmd.executionCancel, { executionId: cancelled, reason: 'not needed' });
    expect(reply).toMatchObject({ ok: true, result: { events: ['TaskCancelRequested', 'TaskCancelled'] } });
    for await (const _ of cancelLive) break;
    http.release();
    expect(typesOf(await waitForEnd(system.store, kept, 15_000))).toEqual(['TaskDue', 'TaskStarted', 'TaskSucceeded']);
    expect(typesOf(await waitForEnd(system.store, blocker)).at(-1)).toBe('TaskSucceeded');
    expect(calls).toEqual(['/blocker', '/kept']);
    // The tail had seen the cancel, so that one was read first; nothing had been appended to the other: no read.
    const streamsRead = read.mock.calls.map(([streamId]) => streamId);
    expect(streamsRead).toContain(toExecutionStreamId(cancelled));
    expect(streamsRead).not.toContain(toExecutionStreamId(kept));
    expect(typesOf(await historyOf(system.store, cancelled))).toEqual(['TaskDue', 'TaskCancelRequested', 'TaskCancelled']);
  });
});
