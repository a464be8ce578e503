import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toExecutionStreamId } from '@sched/contracts';
import { executionDecider } from '@sched/domain';
import { toEnvelopes } from '@sched/event-store';
import { startTestSystem, waitFor, type TestSystem } from '../support/system';
import { createTask, historyOf, trigger, typesOf } from '../support/executions';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Shutdown while the executor is busy: what it runs finishes (within the grace period), and nothing delivered after
 * shutdown began is started. Such a start would append over a connection that closes once the running attempts
 * have drained ("connection closed", the work nak'd after all); it goes back to the server instead.
 */
describe('executor shutdown', () => {
  let system: TestSystem;
  let server: Server;
  const calls: string[] = [];
  let releaseBlocker: () => void = () => undefined;
  const blockerReleased = new Promise<void>((resolve) => (releaseBlocker = resolve));

  beforeAll(async () => {
    server = createServer((request, response) => {
      calls.push(request.url ?? '');
      void blockerReleased.then(() => response.end('ok'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    system = await startTestSystem({ EXECUTOR_CONCURRENCY: '4' });
  });
  afterAll(async () => {
    releaseBlocker();
    await system?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('finishes what runs and starts nothing delivered after shutdown began', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/blocker`;
    const blocker = await trigger(system, await createTask(system, { executor: 'http', config: { url } }));
    await waitFor(() => calls.length > 0, 5_000, 'the blocker running');
    const closing = system.closeApp();
    await sleep(100); // shutdown has begun; it waits for the blocker, and the executor's pull is still open
    // A first attempt recorded now, as the timer would record it: the open pull delivers it.
    const late = `late@${Date.now()}`;
    const due = executionDecider.decide(
      {
        type: 'ScheduleExecution',
        data: { taskId: 'late', executionId: late, executor: 'noop', config: {}, scheduledAt: new Date().toISOString(), reason: 'schedule', taskRevision: 0 },
      },
      executionDecider.initialState(),
    );
    await system.store.append(toExecutionStreamId(late), toEnvelopes(due, { correlationId: late, causationId: 'test', actor: 'test', nowMs: Date.now() }), {
      expected: 'no_stream',
    });
    await sleep(300);
    releaseBlocker();
    await closing;
    expect(typesOf(await historyOf(system.store, blocker)).at(-1)).toBe('TaskSucceeded');
    expect(typesOf(await historyOf(system.store, late))).toEqual(['TaskDue']);
  });
});
