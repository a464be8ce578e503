import { Subjects, toExecutionStreamId, type ExecutionView, type Page, type RecordedEvent, type TaskCommandResult } from '@sched/contracts';
import { startTestSystem, waitFor, type TestSystem } from '../support/system';

interface LiveEvent extends RecordedEvent {
  readonly taskId: string;
}

describe('an interval task fires end to end over a real nats-server', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(async () => {
    await system?.close();
  });

  it('creates an every-1s task; one execution is due, starts, progresses and succeeds within 3 s', async () => {
    const live: LiveEvent[] = [];
    const subscription = system.nc.subscribe(Subjects.evt.allExecutions, {
      callback: (_error, msg) => {
        live.push(msg.json<LiveEvent>());
      },
    });
    const createdAt = Date.now();
    const created = await system.request<TaskCommandResult>(Subjects.cmd.taskCreate, {
      name: 'tick',
      executor: 'sleep',
      config: { duration: '200ms', steps: 2 },
      schedules: [{ type: 'interval', every: '1s' }],
    });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const { taskId } = created.result;
    expect(created.result.events).toEqual(['TaskCreated']);

    const succeeded = await waitFor(
      () => live.find((event) => event.type === 'TaskSucceeded'),
      3_000 - (Date.now() - createdAt),
      'the first TaskSucceeded',
    );
    subscription.unsubscribe();
    const executionStream = succeeded.streamId;
    const ofExecution = live.filter((event) => event.streamId === executionStream);
    expect(ofExecution.map((event) => event.type)).toEqual([
      'TaskDue',
      'TaskStarted',
      'TaskProgressed',
      'TaskProgressed',
      'TaskSucceeded',
    ]);
    expect(ofExecution.map((event) => event.revision)).toEqual([0, 1, 2, 3, 4]);
    expect(ofExecution.every((event) => event.taskId === taskId)).toBe(true);
    const due = ofExecution[0].data as { executionId: string; scheduledAt: string };
    expect(due.executionId).toBe(`${taskId}@${Date.parse(due.scheduledAt)}`);
    expect(Date.parse(due.scheduledAt) % 1000).toBe(0);

    const list = await system.request<Page<ExecutionView>>(Subjects.query.executionList, {
      taskId,
      minPosition: succeeded.position,
    });
    if (!list.ok) throw new Error(JSON.stringify(list.error));
    const row = list.result.items.find((item) => item.executionId === due.executionId);
    expect(row).toMatchObject({ taskId, status: 'succeeded', attempt: 1, workerId: 'test', reason: 'schedule' });
    expect(Date.parse(row!.startedAt!)).toBeGreaterThanOrEqual(Date.parse(due.scheduledAt));
    expect(Date.parse(row!.endedAt!)).toBeGreaterThan(Date.parse(row!.startedAt!));
    expect(row!.durationMs).toBeGreaterThanOrEqual(200);

    const history = await system.store.read(toExecutionStreamId(due.executionId));
    expect(history.map((event) => [event.type, event.id])).toEqual(ofExecution.map((event) => [event.type, event.id]));
    expect(history.every((event) => event.metadata.schemaVersion === 1)).toBe(true);
    expect(history.every((event) => event.metadata.correlationId === history[0].metadata.correlationId)).toBe(true);
  });
});
