import type { RecordedEvent, ScheduleSpec, TaskDefinition } from '@sched/contracts';
import { ScheduledTasks } from './scheduled-tasks';
import { taskEventAt } from './testing/task-event-at';

const taskId = 't1';
const definition: TaskDefinition = {
  name: 'hourly',
  description: '',
  executor: 'noop',
  config: {},
  schedules: [{ type: 'interval', everyMs: 3_600_000, offsetMs: 0 }],
  tags: [],
};
let revision = -1;
const recorded = (type: string, data: unknown, atMs: number): RecordedEvent => {
  revision += 1;
  return taskEventAt(taskId, revision, type, data, atMs);
};

const everySecond: ScheduleSpec[] = [{ type: 'interval', everyMs: 1_000, offsetMs: 0 }];

/** The task created at 1 s, as the timer holds it once it has handled everything up to `firedThroughMs`. */
function createdTask(firedThroughMs: number) {
  const tasks = new ScheduledTasks();
  const task = tasks.apply(taskId, recorded('TaskCreated', { taskId, definition }, 1_000))!;
  task.firedThrough = firedThroughMs;
  const update = (changes: Partial<TaskDefinition>, atMs: number): void => void tasks.apply(taskId, recorded('TaskUpdated', { taskId, changes }, atMs));
  return { task, update };
}

describe('ScheduledTasks: where the next fire is looked for after a change', () => {
  beforeEach(() => {
    revision = -1;
  });

  it('new schedules start at the instant they were set: nothing of theirs before it is due', () => {
    const { task, update } = createdTask(1_000); // active since its creation, nothing fired yet
    update({ schedules: everySecond }, 60_000);
    expect(task.firedThrough).toBe(60_000);
    expect(task.schedulesSetAt).toBe(60_000);
  });

  it('an update that leaves the schedules alone moves nothing', () => {
    const { task, update } = createdTask(1_000);
    update({ executor: 'sleep' }, 60_000);
    expect(task.firedThrough).toBe(1_000);
    expect(task.schedulesSetAt).toBe(1_000);
  });

  it('an update that keeps a schedule and adds one: the kept one goes on from where it was, the new one starts at the update', () => {
    const { task, update } = createdTask(7_200_000); // the hourly schedule fired at 1 h and 2 h
    update({ schedules: [...definition.schedules, ...everySecond] }, 7_300_000);
    expect(task.schedulesSetAt).toEqual([1_000, 7_300_000]);
    expect(task.firedThrough).toBe(7_200_000);
  });

  it('a task created disabled has its schedules set when it is first enabled; one disabled later keeps its instant', () => {
    const tasks = new ScheduledTasks();
    tasks.apply(taskId, recorded('TaskCreated', { taskId, definition }, 1_000));
    const task = tasks.apply(taskId, recorded('TaskDisabled', { taskId }, 1_000))!; // enabled: false, in the same commit
    tasks.apply(taskId, recorded('TaskEnabled', { taskId }, 90_000));
    expect(task.schedulesSetAt).toBe(90_000);
    tasks.apply(taskId, recorded('TaskDisabled', { taskId }, 95_000));
    tasks.apply(taskId, recorded('TaskEnabled', { taskId }, 99_000));
    expect(task.schedulesSetAt).toBe(90_000);
  });

  it('never moves back what was already fired past the update (a timer ahead of the event)', () => {
    const { task, update } = createdTask(90_000);
    update({ schedules: everySecond }, 60_000);
    expect(task.firedThrough).toBe(90_000);
  });
});
