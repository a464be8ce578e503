import { z } from 'zod';
import { formatDurationMs, parseDurationMs } from './duration';

export const MIN_INTERVAL_MS = 1000;
export const MAX_INTERVAL_MS = 366 * 86_400_000;

/**
 * Stored form of an interval schedule: occurrences at `epoch + offsetMs + k * everyMs`. Anchoring on the Unix epoch
 * (not on the creation time) makes every timer instance compute the very same instants, hence the same execution ids.
 */
export const intervalScheduleSchema = z.object({
  type: z.literal('interval'),
  everyMs: z.number().int().min(MIN_INTERVAL_MS).max(MAX_INTERVAL_MS),
  offsetMs: z.number().int().nonnegative(),
});
export type IntervalSchedule = z.infer<typeof intervalScheduleSchema>;

export const scheduleSpecSchema = intervalScheduleSchema;
export type ScheduleSpec = IntervalSchedule;

const durationInput = (field: string) =>
  z.union([z.string(), z.number()]).transform((value, ctx) => {
    const ms = parseDurationMs(value);
    if (ms === undefined || ms < 0) {
      ctx.addIssue({
        code: 'custom',
        message: `${field} must be a duration like "500ms", "30s", "5m", "2h", "1d" or a number of milliseconds`,
      });
      return z.NEVER;
    }
    return ms;
  });

/** What users send: `{ "type": "interval", "every": "1s", "offset": "0s" }`. */
export const intervalScheduleInputSchema = z
  .object({
    type: z.literal('interval'),
    every: durationInput('every'),
    offset: durationInput('offset').optional(),
  })
  .strict()
  .transform((input, ctx): IntervalSchedule => {
    if (input.every < MIN_INTERVAL_MS || input.every > MAX_INTERVAL_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['every'],
        message: `every must be between ${formatDurationMs(MIN_INTERVAL_MS)} and ${formatDurationMs(MAX_INTERVAL_MS)}`,
      });
      return z.NEVER;
    }
    const offsetMs = input.offset ?? 0;
    if (offsetMs >= input.every) {
      ctx.addIssue({ code: 'custom', path: ['offset'], message: 'offset must be shorter than every' });
      return z.NEVER;
    }
    return { type: 'interval', everyMs: input.every, offsetMs };
  });

export const scheduleInputSchema = z.discriminatedUnion('type', [intervalScheduleInputSchema]);
