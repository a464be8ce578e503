import { randomUUID } from 'node:crypto';
import type { EventEnvelope, RecordedEvent } from '@sched/contracts';
import { MemoryEventStore } from '@sched/event-store';
import { TaskIdResolver } from './task-id-resolver';

const envelope = (type: string, data: Record<string, unknown> = {}): EventEnvelope => ({
  id: randomUUID(),
  type,
  data,
  metadata: { correlationId: 'c', causationId: 'c', occurredAt: '2030-01-01T00:00:00.000Z', schemaVersion: 1 },
});

describe('TaskIdResolver', () => {
  let store: MemoryEventStore;
  beforeEach(() => (store = new MemoryEventStore()));
  afterEach(() => store.close());

  const append = async (streamId: string, ...events: EventEnvelope[]): Promise<RecordedEvent[]> => {
    await store.append(streamId, events, { expected: 'any' });
    return store.read(streamId);
  };

  it('takes a task stream id as it is', async () => {
    const [created] = await append('task-t1', envelope('TaskCreated', { taskId: 't1' }));
    expect(await new TaskIdResolver(store).resolve(created)).toBe('t1');
  });

  it.each([
    ['execution-r1', 'TaskDue'],
    ['workflow-r1', 'WorkflowStarted'],
  ])('%s: remembers the task id of its first event (%s) and reads nothing for the next', async (streamId, firstType) => {
    const [first, next] = await append(streamId, envelope(firstType, { taskId: 't1' }), envelope('Later'));
    const resolver = new TaskIdResolver(store);
    const read = jest.spyOn(store, 'read');
    expect(await resolver.resolve(first)).toBe('t1');
    expect(await resolver.resolve(next)).toBe('t1');
    expect(read).not.toHaveBeenCalled();
  });

  it('after a restart, reads the first event of a stream it does not know, once', async () => {
    const [, later] = await append('workflow-r1', envelope('WorkflowStarted', { taskId: 'wf' }), envelope('StepScheduled', { taskId: 'wf:a' }));
    const resolver = new TaskIdResolver(store);
    const read = jest.spyOn(store, 'read');
    // StepScheduled names the step's pseudo task (`wf:a`): the run's events belong to the workflow task.
    expect(await resolver.resolve(later)).toBe('wf');
    expect(await resolver.resolve(later)).toBe('wf');
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('keeps a run\'s execution and its workflow stream apart although they share the run id', async () => {
    const [due] = await append('execution-r1', envelope('TaskDue', { taskId: 'wf' }));
    const [started] = await append('workflow-r1', envelope('WorkflowStarted', { taskId: 'other' }));
    const resolver = new TaskIdResolver(store);
    expect(await resolver.resolve(due)).toBe('wf');
    expect(await resolver.resolve(started)).toBe('other');
  });

  it('gives up on a stream without a known first event, or of an unknown kind', async () => {
    const [orphan] = await append('workflow-r2', envelope('StepScheduled'));
    const [other] = await append('other-x', envelope('Whatever'));
    const resolver = new TaskIdResolver(store);
    expect(await resolver.resolve(orphan)).toBeUndefined();
    expect(await resolver.resolve(other)).toBeUndefined();
  });
});
