import type { FeedEvent } from '@sched/client';
import type { TaskCommandResult, TriggerTaskResult } from '@sched/contracts';
import { httpClient, resultOf } from '../support/http';
import { openSse, type SseConnection, type SseMessage } from '../support/sse-client';
import { startTestSystem, type TestSystem } from '../support/system';

const events = (messages: SseMessage[]): FeedEvent[] => messages.map((message) => JSON.parse(message.data) as FeedEvent);
const hasEnded = (executionId: string) => (messages: SseMessage[]) =>
  events(messages).some((event) => event.type === 'TaskSucceeded' && event.streamId === `execution-${executionId}`);

/** GET /api/events: live execution events as SSE, filtered by task, resumable with Last-Event-ID. */
describe('HTTP event stream (SSE)', () => {
  let system: TestSystem;
  let http: ReturnType<typeof httpClient>;
  const open: SseConnection[] = [];

  const connect = async (query: string, headers: Record<string, string> = {}): Promise<SseConnection> => {
    const connection = await openSse(`${system.httpUrl}/api/events${query}`, headers);
    open.push(connection);
    return connection;
  };

  beforeAll(async () => {
    system = await startTestSystem();
    http = httpClient(system.httpUrl);
  });
  afterAll(async () => {
    for (const connection of open) connection.close();
    await system?.close();
  });

  it('streams one task\'s execution events live, ids being global positions, and resumes after Last-Event-ID', async () => {
    const { taskId } = resultOf(await http.post<TaskCommandResult>('/api/tasks', { name: 'sleepy', executor: 'sleep', config: { duration: '600ms', steps: 3 } }));
    const { taskId: otherTaskId } = resultOf(await http.post<TaskCommandResult>('/api/tasks', { name: 'other', executor: 'noop' }));
    // From the current head: what is committed from here on, whether the feed is already live or still catching up.
    const live = await connect(`?taskId=${taskId}`, { 'Last-Event-ID': String(await system.store.headPosition()) });
    expect(live.status).toBe(200);
    await http.post(`/api/tasks/${otherTaskId}/trigger`);
    const { executionId } = resultOf(await http.post<TriggerTaskResult>(`/api/tasks/${taskId}/trigger`));
    const received = events(await live.waitFor(hasEnded(executionId), 15_000, 'the execution to succeed'));

    const types = received.map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['TaskTriggered', 'TaskDue', 'TaskStarted', 'TaskProgressed', 'TaskSucceeded']));
    expect(received.every((event) => event.taskId === taskId)).toBe(true);
    const ids = live.messages.map((message) => Number(message.id));
    expect(ids).toEqual(received.map((event) => event.position));
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);

    // A client that lost the connection after the TaskDue reconnects with its id: it gets the rest, from history.
    const due = received.find((event) => event.type === 'TaskDue')!;
    const resumed = await connect(`?taskId=${taskId}`, { 'Last-Event-ID': String(due.position) });
    const replayed = events(await resumed.waitFor(hasEnded(executionId), 10_000, 'the replay to reach the end'));
    expect(replayed.map((event) => event.position)).toEqual(received.filter((event) => event.position > due.position).map((event) => event.position));
  });

  it('replays the whole history with lastEventId=0 and filters by type', async () => {
    const { taskId } = resultOf(await http.post<TaskCommandResult>('/api/tasks', { name: 'quick', executor: 'noop' }));
    const { executionId } = resultOf(await http.post<TriggerTaskResult>(`/api/tasks/${taskId}/trigger`));
    const stream = await connect(`?taskId=${taskId}&lastEventId=0&types=TaskCreated,TaskSucceeded`);
    const received = events(await stream.waitFor(hasEnded(executionId), 10_000, 'history then the success'));
    expect(received.map((event) => event.type)).toEqual(['TaskCreated', 'TaskSucceeded']);
    // Unfiltered, replayed events name their task as live ones do (the dashboard's task page keeps them by it).
    const whole = await connect(`?lastEventId=0&types=TaskCreated,TaskSucceeded`);
    const all = events(await whole.waitFor(hasEnded(executionId), 10_000, 'the whole history'));
    expect(all.filter((event) => event.streamId.endsWith(executionId) || event.streamId === `task-${taskId}`).map((event) => event.taskId)).toEqual([taskId, taskId]);
  });

  it('ends a replay of a task nothing was recorded for with an error event (NOT_FOUND); from now, waits for the task to be created', async () => {
    const response = await fetch(`${system.httpUrl}/api/events?taskId=ghost-task&lastEventId=0`, { signal: AbortSignal.timeout(10_000) });
    expect(response.status).toBe(200);
    // The whole body: the server ends the stream after the error, rather than retrying the history in silence.
    const body = await response.text();
    const error = /event: error\ndata: (.*)\n\n/.exec(body);
    expect(JSON.parse(error![1])).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('ghost-task') });
    const early = await connect('?taskId=later-task');
    const { executionId } = resultOf(await http.post<TriggerTaskResult>('/api/tasks', { taskId: 'later-task', name: 'later', executor: 'noop' }).then(() => http.post<TriggerTaskResult>('/api/tasks/later-task/trigger')));
    await early.waitFor(hasEnded(executionId), 10_000, 'the task created after subscribing to run');
  });

  it('refuses a Last-Event-ID that is not a position with 422', async () => {
    const response = await fetch(`${system.httpUrl}/api/events`, { headers: { 'Last-Event-ID': 'yesterday' } });
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
});
