import { liveStreamOf, type RecordedEvent } from '@sched/contracts';
import { liveSubject } from './live-event';

const event = (streamId: string, type: string): RecordedEvent => ({
  streamId,
  type,
  id: 'ev-1',
  revision: 0,
  position: 1,
  data: {},
  metadata: { correlationId: 'c', causationId: 'c', occurredAt: '2030-01-01T00:00:00.000Z', schemaVersion: 1 },
});

describe('live subjects', () => {
  it('names the task, execution or workflow run stream an event belongs to', () => {
    expect(liveStreamOf('task-t1')).toEqual({ kind: 'task', id: 't1' });
    expect(liveStreamOf('execution-t1@5')).toEqual({ kind: 'execution', id: 't1@5' });
    expect(liveStreamOf('workflow-run-1')).toEqual({ kind: 'workflow', id: 'run-1' });
    expect(liveStreamOf('other-x')).toBeUndefined();
  });

  it('publishes each kind of stream under its task id', () => {
    expect(liveSubject(event('task-t1', 'TaskCreated'), 't1')).toBe('sched.evt.task.t1.TaskCreated');
    expect(liveSubject(event('execution-e1', 'TaskStarted'), 't1')).toBe('sched.evt.execution.t1.e1.TaskStarted');
    expect(liveSubject(event('workflow-r1', 'StepScheduled'), 't1')).toBe('sched.evt.workflow.t1.r1.StepScheduled');
    expect(liveSubject(event('other-x', 'Whatever'), 't1')).toBeUndefined();
  });
});
