import { MISFIRE_THRESHOLD_MS, type TaskDefinition } from '@sched/contracts';
import type { KnownTaskState } from '@sched/domain';
import { catchUpOccurrences, disabledWhileDown, resumedWhileDown } from './catch-up';
import { skippedIfPaused } from './occurrence-firer';
import { ScheduledTasks, type ScheduledTask } from './scheduled-tasks';
import { taskEventAt } from './testing/task-event-at';

const taskId = 't1';
const MINUTE = 60_000;
const definition: TaskDefinition = {
  name: 'every minute',
  description: '',
  executor: 'noop',
  config: {},
  schedules: [{ type: 'interval', everyMs: MINUTE, offsetMs: 0 }],
  tags: [],
};
const recorded = (revision: number, type: string, data: unknown, atMs: number) => taskEventAt(taskId, revision, type, data, atMs);

/** A task created at 0, paused at 1 min (until `untilMs`, when given), as the timer holds it. */
function pausedTask(untilMs?: number) {
  const tasks = new ScheduledTasks();
  tasks.apply(taskId, recorded(0, 'TaskCreated', { taskId, definition }, 0));
  const until = untilMs === undefined ? {} : { until: new Date(untilMs).toISOString() };
  return tasks.apply(taskId, recorded(1, 'TaskPaused', { taskId, ...until }, MINUTE)) as ScheduledTask & { state: KnownTaskState };
}

describe('catch-up of a paused task', () => {
  it('a pause without an end: every missed occurrence is one paused skip', () => {
    const { occurrences } = catchUpOccurrences(taskId, pausedTask(), 2 * MINUTE, 30 * MINUTE, MISFIRE_THRESHOLD_MS);
    expect(occurrences).toHaveLength(1);
    expect(occurrences[0].skipped).toMatchObject({ reason: 'paused', missedCount: 27 });
  });

  it('a pause that lapsed meanwhile: the misses before its end are a paused skip, the rest the misfire policy (fire-once)', () => {
    const { occurrences } = catchUpOccurrences(taskId, pausedTask(10 * MINUTE), 2 * MINUTE, 30 * MINUTE, MISFIRE_THRESHOLD_MS);
    expect(occurrences.map((o) => [o.scheduledAtMs / MINUTE, o.skipped?.reason ?? 'fire'])).toEqual([
      [9, 'paused'],
      [29, 'fire'],
    ]);
    // 3..9 skipped (7, the latest recorded), 10..29 coalesced into the fire at 29 (the occurrence at the end fires).
    expect(occurrences[0].skipped).toMatchObject({ missedCount: 7 });
    expect(occurrences[1].late).toMatchObject({ coalesced: { count: 20, from: new Date(10 * MINUTE).toISOString() } });
  });

  it('the timer skips the occurrences before the end of a pause and fires the one at it', () => {
    const task = pausedTask(10 * MINUTE);
    const at = (minutes: number) => ({ scheduledAtMs: minutes * MINUTE }) as Parameters<typeof skippedIfPaused>[1];
    expect(skippedIfPaused(task, at(9)).skipped).toEqual({ reason: 'paused' });
    expect(skippedIfPaused(task, at(10)).skipped).toBeUndefined();
  });

  it('a task paused and resumed while no timer ran: the misfire policy before the pause, one paused skip for the pause', () => {
    const tasks = new ScheduledTasks();
    tasks.apply(taskId, recorded(0, 'TaskCreated', { taskId, definition }, 0));
    tasks.apply(taskId, recorded(1, 'TaskPaused', { taskId }, 5 * MINUTE));
    const task = tasks.apply(taskId, recorded(2, 'TaskResumed', { taskId }, 20 * MINUTE)) as ScheduledTask & { state: KnownTaskState };
    expect([task.pausedAtMs, task.resumedAtMs]).toEqual([5 * MINUTE, 20 * MINUTE]);
    const occurrences = resumedWhileDown(taskId, task, 2 * MINUTE, task.pausedAtMs!, task.resumedAtMs!, 30 * MINUTE);
    expect(occurrences.map((o) => [o.scheduledAtMs / MINUTE, o.skipped?.reason ?? 'fire'])).toEqual([
      [5, 'fire'],
      [20, 'paused'],
    ]);
    expect(occurrences[0].late).toMatchObject({ coalesced: { count: 3 } }); // 3, 4 and 5 (fire-once)
    expect(occurrences[1].skipped).toMatchObject({ missedCount: 15 }); // 6..20
    // Paused before the watermark: all of it is the pause's.
    expect(resumedWhileDown(taskId, task, 10 * MINUTE, task.pausedAtMs!, task.resumedAtMs!, 30 * MINUTE).map((o) => o.skipped?.missedCount)).toEqual([10]);
  });

  it('a task paused while no timer ran (and still paused): the misfire policy before the pause, one paused skip after it', () => {
    const tasks = new ScheduledTasks();
    tasks.apply(taskId, recorded(0, 'TaskCreated', { taskId, definition }, 0));
    const task = tasks.apply(taskId, recorded(1, 'TaskPaused', { taskId }, 10 * MINUTE)) as ScheduledTask & { state: KnownTaskState };
    const { occurrences } = catchUpOccurrences(taskId, task, 2 * MINUTE, 30 * MINUTE, MISFIRE_THRESHOLD_MS);
    // 3..10 fell due while it was active: fire-once coalesces them into one late fire; 11..29 are the pause's.
    expect(occurrences.map((o) => [o.scheduledAtMs / MINUTE, o.skipped?.reason ?? 'fire'])).toEqual([
      [10, 'fire'],
      [29, 'paused'],
    ]);
    expect(occurrences[0].late).toMatchObject({ coalesced: { count: 8 } });
    expect(occurrences[1].skipped).toMatchObject({ missedCount: 19 });
  });

  it('a task disabled while no timer ran: what fell due before the disable by its misfire policy, nothing after', () => {
    const tasks = new ScheduledTasks();
    tasks.apply(taskId, recorded(0, 'TaskCreated', { taskId, definition }, 0));
    const task = tasks.apply(taskId, recorded(1, 'TaskDisabled', { taskId }, 10 * MINUTE + 1)) as ScheduledTask & { state: KnownTaskState };
    expect(task.disabledAtMs).toBe(10 * MINUTE + 1);
    const occurrences = disabledWhileDown(taskId, task, 2 * MINUTE, task.disabledAtMs!, 30 * MINUTE, MISFIRE_THRESHOLD_MS);
    expect(occurrences.map((o) => [o.scheduledAtMs / MINUTE, o.late?.coalesced?.count])).toEqual([[10, 8]]); // 3..10, fire-once
    expect(disabledWhileDown(taskId, task, 11 * MINUTE, task.disabledAtMs!, 30 * MINUTE, MISFIRE_THRESHOLD_MS)).toEqual([]); // disabled before the watermark
  });

  it('a task created, or given new schedules, after the watermark catches up nothing from before', () => {
    const tasks = new ScheduledTasks();
    tasks.apply(taskId, recorded(0, 'TaskCreated', { taskId, definition }, 10 * MINUTE + 1));
    tasks.apply(taskId, recorded(1, 'TaskPaused', { taskId }, 15 * MINUTE + 1));
    const task = tasks.apply(taskId, recorded(2, 'TaskResumed', { taskId }, 20 * MINUTE + 1)) as ScheduledTask & { state: KnownTaskState };
    const occurrences = resumedWhileDown(taskId, task, 2 * MINUTE, task.pausedAtMs!, task.resumedAtMs!, 30 * MINUTE);
    expect(occurrences.map((o) => [o.scheduledAtMs / MINUTE, o.skipped?.missedCount ?? o.late?.coalesced?.count])).toEqual([
      [15, 5], // 11..15, before its pause: fire-once (nothing of 3..10, before it existed)
      [20, 5], // 16..20, its pause
    ]);
    tasks.apply(taskId, recorded(3, 'TaskUpdated', { taskId, changes: { schedules: [{ type: 'interval', everyMs: 2 * MINUTE, offsetMs: 0 }] } }, 24 * MINUTE + 1));
    expect(catchUpOccurrences(taskId, task, 2 * MINUTE, 30 * MINUTE, MISFIRE_THRESHOLD_MS).occurrences.map((o) => [o.scheduledAtMs / MINUTE, o.late?.coalesced?.count])).toEqual([[28, 2]]); // 26 and 28, none of the 2-minute instants before the update
  });
});

describe('the misfire threshold (TIMER_MISFIRE_THRESHOLD_MS)', () => {
  it('what fell due more than the threshold ago goes through the misfire policy; the rest the caller fires as usual', () => {
    const tasks = new ScheduledTasks();
    const task = tasks.apply(taskId, recorded(0, 'TaskCreated', { taskId, definition }, 0)) as ScheduledTask & { state: KnownTaskState };
    // 3..29 missed; the default 5 s: all of them coalesced (fire-once), normal firing from 29:55 on.
    const byDefault = catchUpOccurrences(taskId, task, 2 * MINUTE, 30 * MINUTE, MISFIRE_THRESHOLD_MS);
    expect([byDefault.normalFromMs, byDefault.occurrences.map((o) => [o.scheduledAtMs / MINUTE, o.late?.coalesced?.count])]).toEqual([30 * MINUTE - 5_000, [[29, 27]]]);
    // 10 minutes (a deployment where 10 minutes late is still on time): 3..20 coalesced, 21..29 fired by the caller.
    const lenient = catchUpOccurrences(taskId, task, 2 * MINUTE, 30 * MINUTE, 10 * MINUTE);
    expect([lenient.normalFromMs, lenient.occurrences.map((o) => [o.scheduledAtMs / MINUTE, o.late?.coalesced?.count])]).toEqual([20 * MINUTE, [[20, 18]]]);
  });
});
