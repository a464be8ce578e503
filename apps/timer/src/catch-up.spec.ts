import { MISFIRE_THRESHOLD_MS, type TaskDefinition } from '@sched/contracts';
import type { KnownTaskState } from '@sched/domain';
import { catchUpOccurrences } from './catch-up';
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

let latest: (ScheduledTask & { state: KnownTaskState }) | undefined;

/** A task created at 0 with these transitions (at minutes; a pause's until at minutes), as the timer holds it. */
function withTransitions(transitions: ReadonlyArray<readonly [string, number, number?]>) {
  const tasks = new ScheduledTasks();
  tasks.apply(taskId, recorded(0, 'TaskCreated', { taskId, definition }, 0));
  transitions.forEach(([type, atMinutes, untilMinutes], i) => {
    const until = untilMinutes === undefined ? {} : { until: new Date(untilMinutes * MINUTE).toISOString() };
    tasks.apply(taskId, recorded(i + 1, type, { taskId, ...until }, atMinutes * MINUTE));
  });
  latest = tasks.get(taskId) as ScheduledTask & { state: KnownTaskState };
  return latest;
}

/** The catch-up of the latest task over (sinceMs, nowMs]: [minute, fire or skip reason, occurrences it stands for]. */
const firesAndSkips = (sinceMs: number, nowMs: number) =>
  catchUpOccurrences(taskId, latest!, sinceMs, nowMs, MISFIRE_THRESHOLD_MS).occurrences.map((o) => [
    o.scheduledAtMs / MINUTE,
    o.skipped?.reason ?? 'fire',
    o.skipped?.missedCount ?? o.late?.coalesced?.count,
  ]);

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
    const task = withTransitions([['TaskPaused', 5], ['TaskResumed', 20]]);
    expect(firesAndSkips(2 * MINUTE, 30 * MINUTE)).toEqual([
      [5, 'fire', 3], // 3, 4 and 5 (fire-once)
      [20, 'paused', 15], // 6..20
      [29, 'fire', 9], // 21..29, after the resume
    ]);
    // Paused before the watermark: all of it up to the resume is the pause's.
    expect(firesAndSkips(10 * MINUTE, 30 * MINUTE)).toEqual([
      [20, 'paused', 10],
      [29, 'fire', 9],
    ]);
    expect(task.status).toBe('active');
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
    withTransitions([['TaskDisabled', 10 + 1 / MINUTE]]);
    expect(firesAndSkips(2 * MINUTE, 30 * MINUTE)).toEqual([[10, 'fire', 8]]); // 3..10, fire-once
    expect(firesAndSkips(11 * MINUTE, 30 * MINUTE)).toEqual([]); // disabled before the watermark
  });

  it('disable → enable → disable while no timer ran: the enabled stretches by the misfire policy, neither disabled one', () => {
    withTransitions([['TaskDisabled', 5.5], ['TaskEnabled', 12.5], ['TaskDisabled', 20.5]]);
    // Before: the last disable alone was kept, and 3..20 were caught up as one enabled stretch (6..12 fired, disabled).
    expect(firesAndSkips(2 * MINUTE, 30 * MINUTE)).toEqual([
      [5, 'fire', 3], // 3..5
      [20, 'fire', 8], // 13..20
    ]);
  });

  it('pause → resume → pause while no timer ran: each pause is one paused skip, each active stretch its misfire policy', () => {
    withTransitions([['TaskPaused', 5.5], ['TaskResumed', 12.5], ['TaskPaused', 20.5]]);
    // Before: only the last pause and resume were kept, and nothing before the resume was fired or recorded.
    expect(firesAndSkips(2 * MINUTE, 30 * MINUTE)).toEqual([
      [5, 'fire', 3], // 3..5
      [12, 'paused', 7], // 6..12
      [20, 'fire', 8], // 13..20
      [29, 'paused', 9], // 21..29, paused still
    ]);
  });

  it('transitions of both kinds: a pause spans a disabled stretch, which records nothing; a lapsing pause fires at its end', () => {
    withTransitions([['TaskPaused', 5.5, 15], ['TaskDisabled', 8.5], ['TaskEnabled', 11.5]]);
    expect(firesAndSkips(2 * MINUTE, 30 * MINUTE)).toEqual([
      [5, 'fire', 3], // 3..5
      [8, 'paused', 3], // 6..8
      [14, 'paused', 3], // 12..14 (9..11 disabled)
      [29, 'fire', 15], // 15..29: the pause lapsed at 15
    ]);
  });

  it('transitions within the misfire threshold: played back up to the last one, normal firing from it', () => {
    withTransitions([['TaskDisabled', 5.5], ['TaskEnabled', 29.95]]);
    const { occurrences, normalFromMs } = catchUpOccurrences(taskId, latest!, 2 * MINUTE, 30 * MINUTE, 10 * MINUTE);
    expect([occurrences.map((o) => o.scheduledAtMs / MINUTE), normalFromMs / MINUTE]).toEqual([[5], 29.95]);
  });

  it('a task created, or given new schedules, after the watermark catches up nothing from before', () => {
    const tasks = new ScheduledTasks();
    tasks.apply(taskId, recorded(0, 'TaskCreated', { taskId, definition }, 10 * MINUTE + 1));
    tasks.apply(taskId, recorded(1, 'TaskPaused', { taskId }, 15 * MINUTE + 1));
    const task = tasks.apply(taskId, recorded(2, 'TaskResumed', { taskId }, 20 * MINUTE + 1)) as ScheduledTask & { state: KnownTaskState };
    const { occurrences } = catchUpOccurrences(taskId, task, 2 * MINUTE, 30 * MINUTE, MISFIRE_THRESHOLD_MS);
    expect(occurrences.map((o) => [o.scheduledAtMs / MINUTE, o.skipped?.missedCount ?? o.late?.coalesced?.count])).toEqual([
      [15, 5], // 11..15, before its pause: fire-once (nothing of 3..10, before it existed)
      [20, 5], // 16..20, its pause
      [29, 9], // 21..29, after it
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
