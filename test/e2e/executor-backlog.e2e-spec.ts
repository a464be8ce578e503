import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Subjects, toExecutionStreamId } from '@sched/contracts';
import type { EventStore } from '@sched/event-store';
import { EVENT_STORE } from '@sched/messaging';
import { SEED_MAX_AGE_MS } from '../../apps/executor/src/work-sources';
import { startTestSystem, type TestSystem } from '../support/system';
import { createTask, historyOf, trigger, typesOf, waitForEnd, waitForHistory } from '../support/executions';

/**
 * Executions queued behind a busy executor (one slot) longer than SEED_MAX_AGE_MS: the executor starts them from
 * the commit the log dispatch delivered when its live tail vouches that nothing was appended since, and must still
 * never run one that was cancelled while it waited (the work has side effects: here, an HTTP call).
 */
describe('executor backlog', () => {
  let system: TestSystem;
  let server: Server;
  const calls: string[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      calls.push(request.url ?? '');
      response.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    system = await startTestSystem({ EXECUTOR_CONCURRENCY: '1' });
  });
  afterAll(async () => {
    await system?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('runs what waited in the backlog, and not what was cancelled meanwhile', async () => {
    const url = (name: string): string => `http://127.0.0.1:${(server.address() as AddressInfo).port}/${name}`;
    const blocker = await trigger(system, await createTask(system, { executor: 'sleep', config: { duration: `${SEED_MAX_AGE_MS + 1_500}ms`, steps: 1 } }));
    await waitForHistory(system.store, blocker, (events) => typesOf(events).includes('TaskStarted'), 5_000, 'TaskStarted');
    const cancelled = await trigger(system, await createTask(system, { executor: 'http', config: { url: url('cancelled') } }));
    const kept = await trigger(system, await createTask(system, { executor: 'http', config: { url: url('kept') } }));
    await new Promise((resolve) => setTimeout(resolve, SEED_MAX_AGE_MS + 100)); // both are older than a fresh delivery now
    const read = jest.spyOn(system.app.get<EventStore>(EVENT_STORE), 'read');
    const reply = await system.request(Subjects.cmd.executionCancel, { executionId: cancelled, reason: 'not needed' });
    expect(reply).toMatchObject({ ok: true, result: { events: ['TaskCancelRequested', 'TaskCancelled'] } });
    expect(typesOf(await waitForEnd(system.store, kept, 15_000))).toEqual(['TaskDue', 'TaskStarted', 'TaskSucceeded']);
    expect(typesOf(await waitForEnd(system.store, blocker)).at(-1)).toBe('TaskSucceeded');
    expect(calls).toEqual(['/kept']);
    // The tail had seen the cancel, so that one was read first; nothing had been appended to the other: no read.
    const streamsRead = read.mock.calls.map(([streamId]) => streamId);
    expect(streamsRead).toContain(toExecutionStreamId(cancelled));
    expect(streamsRead).not.toContain(toExecutionStreamId(kept));
    expect(typesOf(await historyOf(system.store, cancelled))).toEqual(['TaskDue', 'TaskCancelRequested', 'TaskCancelled']);
  });
});
