import type { TaskEvent } from '@sched/contracts';
import { taskDecider } from './task.decider';
import { taskStateCodec } from './task.snapshot';
import { TRIGGER_IDS_KEPT, evolveTask, initialTaskState, type KnownTaskState, type TaskState } from './task.state';

const definition = { name: 't', description: '', executor: 'noop', config: { a: 1 }, schedules: [], tags: ['x'] };
const created: TaskEvent = { type: 'TaskCreated', data: { taskId: 't', definition } };
const triggered = (i: number): TaskEvent => ({ type: 'TaskTriggered', data: { taskId: 't', executionId: `run-${i}` } });
/** Through JSON, as a snapshot store keeps it. */
const roundTrip = (state: TaskState): TaskState => taskStateCodec.decode(JSON.parse(JSON.stringify(taskStateCodec.encode(state))));

describe('taskStateCodec', () => {
  it('gives back a state that decides and evolves as the original: trigger ids, their window, a pause', () => {
    const events: TaskEvent[] = [created, ...Array.from({ length: TRIGGER_IDS_KEPT + 20 }, (_, i) => triggered(i)), { type: 'TaskPaused', data: { taskId: 't', note: 'n', until: '2999-01-01T00:00:00.000Z' } }];
    const original = events.reduce(evolveTask, initialTaskState()) as KnownTaskState;
    const restored = roundTrip(original) as KnownTaskState;
    expect(JSON.stringify(restored)).toBe(JSON.stringify(original));
    expect(restored.pausedUntilMs).toBe(original.pausedUntilMs);
    for (const id of ['run-19', 'run-20', `run-${TRIGGER_IDS_KEPT + 19}`, 'new']) {
      const command = { type: 'TriggerTask' as const, data: { taskId: 't', executionId: id } };
      const resumed = { ...restored, status: 'active' as const };
      expect(taskDecider.decide(command, resumed)).toEqual(taskDecider.decide(command, { ...original, status: 'active' }));
    }
    // Folding on: the oldest id falls out of both alike.
    const next = (state: TaskState) => evolveTask(state, triggered(TRIGGER_IDS_KEPT + 20)) as KnownTaskState;
    expect([...next(restored).triggeredExecutionIds]).toEqual([...next(original).triggeredExecutionIds]);
  });

  it('keeps a state with no task as it is, and refuses one without its trigger ids', () => {
    expect(roundTrip(initialTaskState())).toEqual({ status: 'none' });
    expect(() => taskStateCodec.decode({ status: 'active', taskId: 't', definition })).toThrow(TypeError);
  });

  it('refuses a state no fold could have made (the bucket is writable by other services): no definition, an unknown status, a bad field', () => {
    const good = { status: 'active', taskId: 't', definition, triggeredExecutionIds: [] };
    expect(taskStateCodec.decode(good)).toMatchObject({ status: 'active', taskId: 't' });
    const { definition: _dropped, ...noDefinition } = good;
    for (const bad of [noDefinition, { ...good, status: 'running' }, { ...good, taskId: 7 }, { ...good, definition: { ...definition, schedules: 'hourly' } }, { ...good, pausedUntilMs: 'soon' }, { ...good, disabled: 'yes' }]) {
      expect(() => taskStateCodec.decode(bad)).toThrow(TypeError);
    }
  });
});
