import type { ScheduleSpec } from '@sched/contracts';

/**
 * When each of a task's schedules was set, what its maxFires counts from and what it fires after: one instant for
 * all of them (the common case, a task created or given new schedules: a number costs nothing per task, and the
 * timer holds a million), or one per schedule (aligned with the task's `schedules`) once an update kept some.
 */
export type ScheduleSetInstants = number | readonly number[];

export const setInstantOf = (set: ScheduleSetInstants, index: number): number => (typeof set === 'number' ? set : set[index]);

/** The earliest of them: the first instant any schedule may fire after. */
export const earliestSetInstant = (set: ScheduleSetInstants): number => (typeof set === 'number' ? set : Math.min(...set));

/** The same schedule: stored specs are parsed by one schema, so equal specs serialize alike. */
export const sameSchedule = (a: ScheduleSpec, b: ScheduleSpec): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The set instants after an update recorded at `atMs` gave the task `next` schedules (it had `previous`, set at
 * `previousSet`). A schedule the update kept (one equal to a schedule the task had, each matched once) keeps its set
 * instant, so its maxFires count and a fire it had pending (a jittered one nominally before the update) carry on;
 * the others start at `atMs`, as a new task's do. Changing one of three schedules must not give the other two their
 * maxFires again, nor drop what they were about to fire.
 */
export function setInstantsAfterUpdate(
  previous: readonly ScheduleSpec[],
  previousSet: ScheduleSetInstants,
  next: readonly ScheduleSpec[],
  atMs: number,
): ScheduleSetInstants {
  const taken = new Set<number>();
  const instants = next.map((spec) => {
    const kept = previous.findIndex((old, index) => !taken.has(index) && sameSchedule(old, spec));
    if (kept < 0) return atMs;
    taken.add(kept);
    return Math.min(setInstantOf(previousSet, kept), atMs);
  });
  return instants.every((instant) => instant === atMs) ? atMs : instants;
}

/**
 * Whether a TaskDisabled (stream revision `revision`, recorded at `atMs`) is the one a task was created with
 * (`enabled: false`): in the creation's commit, so at the instant its schedules were set. Such a task's schedules are
 * set again when it is first enabled: its maxFires counts from then, not through the stretch before it ever ran.
 */
const disabledAtCreation = (set: ScheduleSetInstants, revision: number, atMs: number): boolean => revision === 1 && set === atMs;

/** When a task's schedules were set, and whether its first enable sets them again (it was created disabled). */
export interface ScheduleSetting {
  readonly set: ScheduleSetInstants;
  readonly onEnable?: boolean;
}

/**
 * The setting after one of a task's events (stream revision `revision`, recorded at `atMs`; `schedules`: the task's
 * before the event); the same object when the event leaves it as it was. The one rule the timer, the read models and
 * next-fires fold alike, so they count maxFires alike.
 */
export function evolveScheduleSetting(
  setting: ScheduleSetting | undefined,
  schedules: readonly ScheduleSpec[],
  event: { readonly type: string; readonly data: unknown; readonly revision: number },
  atMs: number,
): ScheduleSetting | undefined {
  if (event.type === 'TaskCreated') return setting ?? { set: atMs }; // a task id is created once
  if (setting === undefined) return undefined;
  switch (event.type) {
    case 'TaskUpdated': {
      const changed = (event.data as { changes: { schedules?: readonly ScheduleSpec[] } }).changes.schedules;
      return changed ? { ...setting, set: setInstantsAfterUpdate(schedules, setting.set, changed, atMs) } : setting;
    }
    case 'TaskDisabled':
      return disabledAtCreation(setting.set, event.revision, atMs) ? { ...setting, onEnable: true } : setting;
    case 'TaskEnabled':
      return setting.onEnable ? { set: atMs } : setting;
    default:
      return setting;
  }
}
