import { z } from 'zod';
import { isoInstantSchema } from './iso-instant';
import { CRON_NICKNAMES, cronExpressionIssue, cronOptionsFor, normalizeCronExpression, shortestCronGapMs, timezoneIssue } from './cron-expression';
import { exactDurationMs, formatDurationMs } from './duration';
import { normalizeExclusions, scheduleExclusionsInputSchema, scheduleExclusionsSchema, type ScheduleExclusionInput } from './schedule-exclusions';

export { CRON_NICKNAMES, cronExpressionIssue, cronOptionsFor, timezoneIssue };

export const MIN_INTERVAL_MS = 1000;
export const MAX_INTERVAL_MS = 366 * 86_400_000;
export const MAX_JITTER_MS = 3_600_000;
export const DEFAULT_CRON_TIMEZONE = 'UTC';

/**
 * Fields every schedule may carry. Instants stay ISO strings in events (readable history); the domain turns them into
 * epoch ms. The window [startAt, endAt] is inclusive at both ends and bounds the *nominal* instants (jitter may push a
 * fire a little past endAt). maxFires counts the fires of this one spec; the timer applies it (it knows the count).
 */
const commonFields = {
  startAt: isoInstantSchema.optional(),
  endAt: isoInstantSchema.optional(),
  jitterMs: z.number().int().min(0).max(MAX_JITTER_MS).optional(),
  maxFires: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  exclude: scheduleExclusionsSchema.optional(),
};
const windowIsOrdered = (spec: { startAt?: string; endAt?: string }) =>
  spec.startAt === undefined || spec.endAt === undefined || Date.parse(spec.endAt) > Date.parse(spec.startAt);
// A function, not a shared object: zod rewrites the params object it is given.
const windowRule = () => ({ message: 'endAt must be after startAt', path: ['endAt'] });

/**
 * Stored form of an interval schedule: occurrences at `epoch + offsetMs + k * everyMs`. Anchoring on the Unix epoch
 * (not on the creation time) makes every timer instance compute the very same instants, hence the same execution ids.
 */
export const intervalScheduleSchema = z
  .object({
    type: z.literal('interval'),
    everyMs: z.number().int().min(MIN_INTERVAL_MS).max(MAX_INTERVAL_MS),
    offsetMs: z.number().int().nonnegative(),
    ...commonFields,
  })
  .refine(windowIsOrdered, windowRule());
export type IntervalSchedule = z.infer<typeof intervalScheduleSchema>;

/** Stored form of a cron schedule. `expression` is normalized to single spaces, so equal schedules compare equal. */
export const cronScheduleSchema = z
  .object({
    type: z.literal('cron'),
    expression: z.string().min(1).max(200),
    timezone: z.string().min(1).max(64),
    ...commonFields,
  })
  .refine(windowIsOrdered, windowRule())
  .superRefine((spec, ctx) => {
    const zoneIssue = timezoneIssue(spec.timezone);
    if (zoneIssue) ctx.addIssue({ code: 'custom', path: ['timezone'], message: zoneIssue });
    const exprIssue = zoneIssue ? undefined : cronExpressionIssue(spec.expression, spec.timezone);
    if (exprIssue) ctx.addIssue({ code: 'custom', path: ['expression'], message: exprIssue });
  });
export type CronSchedule = z.infer<typeof cronScheduleSchema>;

/** Stored form of a one-shot schedule: a single occurrence at `at`. */
export const onceScheduleSchema = z
  .object({ type: z.literal('once'), at: isoInstantSchema, ...commonFields })
  .refine(windowIsOrdered, windowRule());
export type OnceSchedule = z.infer<typeof onceScheduleSchema>;

export const scheduleSpecSchema = z.discriminatedUnion('type', [
  intervalScheduleSchema,
  cronScheduleSchema,
  onceScheduleSchema,
]);
export type ScheduleSpec = z.infer<typeof scheduleSpecSchema>;
export type ScheduleType = ScheduleSpec['type'];
/** The fields every spec shares (window, jitter, fire budget). */
export type ScheduleCommon = Pick<ScheduleSpec, keyof typeof commonFields>;

/** A duration field of user input ("500ms", "30s", or whole ms) → milliseconds. Shared with the execution policy inputs. */
export const durationInput = (field: string) =>
  z.union([z.string(), z.number()]).transform((value, ctx) => {
    const ms = exactDurationMs(value);
    // Stored in whole milliseconds: a finer duration would be changed without a word ("1.0004s" stored as 1s).
    if (ms !== undefined && ms >= 0 && !Number.isInteger(ms)) {
      ctx.addIssue({ code: 'custom', message: `${field} is finer than a millisecond (${JSON.stringify(value)}): durations are whole milliseconds` });
      return z.NEVER;
    }
    if (ms === undefined || ms < 0) {
      ctx.addIssue({
        code: 'custom',
        message: `${field} must be a duration like "500ms", "30s", "5m", "1h30m", "1d" or a whole number of milliseconds`,
      });
      return z.NEVER;
    }
    return ms;
  });

/** User input for the common fields: the stored names, but any ISO offset for instants and a duration for jitter. */
const commonInputFields = {
  startAt: isoInstantSchema.optional(),
  endAt: isoInstantSchema.optional(),
  jitterMs: durationInput('jitterMs').optional(),
  maxFires: commonFields.maxFires,
  exclude: scheduleExclusionsInputSchema.optional(),
};
type CommonInput = { startAt?: string; endAt?: string; jitterMs?: number; maxFires?: number; exclude?: readonly ScheduleExclusionInput[] };

/**
 * Validates the common fields and returns them in stored form: instants normalized to UTC ("...Z") and absent fields
 * left out (not `undefined`), so a stored spec serializes the same way every time. Returns undefined after an issue.
 */
function commonOutput(input: CommonInput, ctx: z.RefinementCtx, zone = DEFAULT_CRON_TIMEZONE): ScheduleCommon | undefined {
  const out: ScheduleCommon = {};
  if (input.startAt !== undefined) out.startAt = new Date(input.startAt).toISOString();
  if (input.endAt !== undefined) out.endAt = new Date(input.endAt).toISOString();
  if (!windowIsOrdered(out)) {
    ctx.addIssue({ code: 'custom', ...windowRule() });
    return undefined;
  }
  if (input.jitterMs !== undefined) {
    if (input.jitterMs > MAX_JITTER_MS) {
      const message = `jitterMs must be at most ${formatDurationMs(MAX_JITTER_MS)}`;
      ctx.addIssue({ code: 'custom', path: ['jitterMs'], message });
      return undefined;
    }
    out.jitterMs = input.jitterMs;
  }
  if (input.maxFires !== undefined) out.maxFires = input.maxFires;
  if (input.exclude !== undefined) {
    const exclude = normalizeExclusions(input.exclude, zone, ctx);
    if (!exclude) return undefined;
    out.exclude = exclude;
  }
  return out;
}

/** What users send: `{ "type": "interval", "every": "1s", "offset": "0s", "jitterMs": "200ms" }`. */
export const intervalScheduleInputSchema = z
  .object({
    type: z.literal('interval'),
    every: durationInput('every'),
    offset: durationInput('offset').optional(),
    ...commonInputFields,
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
    const common = commonOutput(input, ctx);
    if (!common) return z.NEVER;
    // A jitter longer than the period would let occurrence k+1 fire before occurrence k.
    if (common.jitterMs !== undefined && common.jitterMs > input.every) {
      ctx.addIssue({ code: 'custom', path: ['jitterMs'], message: 'jitterMs must not exceed every' });
      return z.NEVER;
    }
    return { type: 'interval', everyMs: input.every, offsetMs, ...common };
  });

/**
 * `{ "type": "cron", "expression": "0 9 * * MON-FRI", "timezone": "Europe/Berlin" }`; timezone defaults to UTC. A
 * nickname (`@daily`) is stored as its fields.
 */
export const cronScheduleInputSchema = z
  .object({
    type: z.literal('cron'),
    expression: z.string().min(1).max(200),
    timezone: z.string().min(1).max(64).default(DEFAULT_CRON_TIMEZONE),
    ...commonInputFields,
  })
  .strict()
  .transform((input, ctx): CronSchedule => {
    const timezone = input.timezone.trim();
    const zoneIssue = timezoneIssue(timezone);
    if (zoneIssue) {
      ctx.addIssue({ code: 'custom', path: ['timezone'], message: zoneIssue });
      return z.NEVER;
    }
    const expression = normalizeCronExpression(input.expression);
    const exprIssue = cronExpressionIssue(expression, timezone, true);
    if (exprIssue) {
      ctx.addIssue({ code: 'custom', path: ['expression'], message: exprIssue });
      return z.NEVER;
    }
    const common = commonOutput(input, ctx, timezone);
    if (!common) return z.NEVER;
    // As for an interval: a jitter longer than the period would let a later fire come first (see shortestCronGapMs).
    const gapMs = common.jitterMs === undefined ? undefined : shortestCronGapMs(expression, timezone, Date.now());
    if (common.jitterMs !== undefined && gapMs !== undefined && common.jitterMs > gapMs) {
      ctx.addIssue({ code: 'custom', path: ['jitterMs'], message: `jitterMs must not exceed the shortest time between the expression's fires (${formatDurationMs(gapMs)})` });
      return z.NEVER;
    }
    return { type: 'cron', expression, timezone, ...common };
  });

/** `{ "type": "once", "at": "2030-01-01T09:00:00+01:00" }`. */
export const onceScheduleInputSchema = z
  .object({ type: z.literal('once'), at: isoInstantSchema, ...commonInputFields })
  .strict()
  .transform((input, ctx): OnceSchedule => {
    const common = commonOutput(input, ctx);
    if (!common) return z.NEVER;
    const at = new Date(input.at).toISOString();
    const atMs = Date.parse(at);
    // A one-shot outside its own window could never fire; say so now rather than stay silent forever.
    if ((common.startAt && atMs < Date.parse(common.startAt)) || (common.endAt && atMs > Date.parse(common.endAt))) {
      ctx.addIssue({ code: 'custom', path: ['at'], message: 'at must lie between startAt and endAt' });
      return z.NEVER;
    }
    return { type: 'once', at, ...common };
  });

export const scheduleInputSchema = z.discriminatedUnion('type', [
  intervalScheduleInputSchema,
  cronScheduleInputSchema,
  onceScheduleInputSchema,
]);
export type ScheduleInput = z.input<typeof scheduleInputSchema>;
