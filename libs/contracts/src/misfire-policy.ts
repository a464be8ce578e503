import { z } from 'zod';
import { durationInput } from './schedules';

/**
 * What the timer does with occurrences it missed (all timers down, a partition changing owner):
 *  - fire-all:  fire every missed occurrence within the catch-up window, oldest first, each marked late;
 *  - fire-once: fire only the latest one within the window (late, with how many it stands for);
 *  - skip:      fire none; record the latest as due-and-skipped with the count.
 * Occurrences older than the window are never fired, only counted in a recorded skip.
 */
export const misfirePolicies = ['fire-all', 'fire-once', 'skip'] as const;
export type MisfirePolicyName = (typeof misfirePolicies)[number];

export const MAX_CATCHUP_WINDOW_MS = 366 * 86_400_000;
export const DEFAULT_MISFIRE = { policy: 'fire-once', catchupWindowMs: 3_600_000 } as const;
/**
 * A fire later than this is a misfire (handled by policy); anything sooner is just a late fire. The default of the
 * timer's TIMER_MISFIRE_THRESHOLD_MS (as Quartz's misfireThreshold, one value per timer deployment).
 */
export const MISFIRE_THRESHOLD_MS = 5_000;
/** The smallest misfire threshold a timer takes: below it, an ordinary slow fire (a GC pause, a takeover) would count. */
export const MIN_MISFIRE_THRESHOLD_MS = 1_000;

export const misfireSchema = z.object({
  policy: z.enum(misfirePolicies),
  catchupWindowMs: z.number().int().min(0).max(MAX_CATCHUP_WINDOW_MS),
});
export type Misfire = z.infer<typeof misfireSchema>;

/** Input: `{ "policy": "fire-all", "catchupWindow": "10m" }`. */
export const misfireInputSchema = z
  .object({
    policy: z.enum(misfirePolicies).default(DEFAULT_MISFIRE.policy),
    catchupWindow: durationInput('catchupWindow').optional(),
  })
  .strict()
  .transform((input, ctx): Misfire => {
    const catchupWindowMs = input.catchupWindow ?? DEFAULT_MISFIRE.catchupWindowMs;
    if (catchupWindowMs > MAX_CATCHUP_WINDOW_MS) {
      ctx.addIssue({ code: 'custom', path: ['catchupWindow'], message: 'catchupWindow must be at most 366d' });
      return z.NEVER;
    }
    return { policy: input.policy, catchupWindowMs };
  });

/** What TaskDue records of a late or coalesced occurrence. */
export const lateFireFields = {
  /** How late the fire is against its nominal instant, when it is a catch-up after a misfire. */
  lateByMs: z.number().int().nonnegative().optional(),
  /** fire-once: how many missed occurrences this one fire stands for (itself included), from and to. */
  coalesced: z
    .object({ count: z.number().int().positive(), from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) })
    .optional(),
};

/** What TaskSkipped records when it stands for several missed occurrences. */
export const skippedRangeFields = {
  missedCount: z.number().int().positive().optional(),
  missedFrom: z.iso.datetime({ offset: true }).optional(),
  missedTo: z.iso.datetime({ offset: true }).optional(),
};
