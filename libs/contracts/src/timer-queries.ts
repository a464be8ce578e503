import { z } from 'zod';
import { isoInstantSchema } from './iso-instant';
import { idSchema } from './commands/task-commands';
import { scheduleInputSchema } from './schedules';
import { MAX_SCHEDULES_PER_TASK } from './task-definition';

/**
 * `sched.query.task.next-fires`: the next instants a task (or a set of schedules not saved yet, for a preview)
 * will fire, computed by the very function the timer uses.
 */
export const nextFiresQuerySchema = z
  .object({
    taskId: idSchema.optional(),
    schedules: z.array(scheduleInputSchema).min(1).max(MAX_SCHEDULES_PER_TASK).optional(),
    count: z.number().int().min(1).max(1000).default(10),
    /** Start after this instant (default: now). */
    after: isoInstantSchema.optional(),
  })
  .strict()
  .refine((q) => Boolean(q.taskId) !== Boolean(q.schedules), { message: 'give exactly one of taskId, schedules' });
export type NextFiresQuery = z.output<typeof nextFiresQuerySchema>;

/**
 * How far ahead of now a next-fires `after` may lie for a task whose schedules count maxFires (other than a plain
 * interval, counted by arithmetic): the fires spent by then are counted one occurrence at a time (a day of a cron
 * every second is 86,400, ~0.2-0.4 s of the gateway's loop; a week took 2.5 s and held up every other query).
 */
export const MAX_NEXT_FIRES_COUNTED_AHEAD_MS = 86_400_000;

export interface NextFire {
  /** The nominal instant: the occurrence's identity (its execution id is `<taskId>@<epoch ms of this>`). */
  readonly at: string;
  /** When it will really fire: the nominal instant plus the task's deterministic jitter. */
  readonly fireAt: string;
  /**
   * 'paused': the task is paused at `fireAt` as things stand, so this fire is recorded as due and skipped, not run (a
   * pause with an end skips the fires before it). Absent: it runs.
   */
  readonly skipped?: 'paused';
}

export interface NextFiresResult {
  readonly taskId?: string;
  /** False for a paused or deleted task: it has a schedule but will not fire until resumed. */
  readonly active: boolean;
  readonly fires: readonly NextFire[];
}
