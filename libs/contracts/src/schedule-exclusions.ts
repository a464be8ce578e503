import { z } from 'zod';
import { isoInstantSchema } from './iso-instant';
import { cronExpressionIssue, normalizeCronExpression, timezoneIssue } from './cron-expression';
import { endsAfter } from './iso-time';

/**
 * Exclusions: instants a schedule does not fire at (Quartz's calendars, Temporal's `skip`). An occurrence that falls
 * in one simply is not an occurrence — like one outside startAt/endAt it is never due, never counted against
 * maxFires, never a misfire. Three shapes:
 *
 * - `window`: the instants in [from, to) — a freeze or a maintenance night with its dates;
 * - `dates`: whole calendar days in a time zone — holidays (`"2027-12-25"`);
 * - `cron`: every minute (second, for 6 fields) a cron expression matches, in a time zone — recurring blackouts:
 *   `* * * * SAT,SUN` (weekends), `* 2-3 * * *` (02:00–03:59 every night), `* * 25 12 *` (every 25 December).
 *
 * The time zone defaults to the schedule's own for a cron schedule and to UTC otherwise; it is always stored, so a
 * stored exclusion means the same thing whatever the schedule becomes.
 */
export const MAX_EXCLUSIONS = 32;
export const MAX_EXCLUDED_DATES = 400;

const isoDate = z.iso.date({ message: 'must be a calendar date such as "2027-12-25"' });

const windowExclusionSchema = z.object({ type: z.literal('window'), from: isoInstantSchema, to: isoInstantSchema });
const datesExclusionSchema = z.object({
  type: z.literal('dates'),
  dates: z.array(isoDate).min(1).max(MAX_EXCLUDED_DATES),
  timezone: z.string().min(1).max(64),
});
const cronExclusionSchema = z.object({
  type: z.literal('cron'),
  expression: z.string().min(1).max(200),
  timezone: z.string().min(1).max(64),
});
const fromBeforeTo = (window: { from: string; to: string }) => endsAfter(window.from, window.to);
// A function, not a shared object: zod rewrites the params object it is given.
const fromBeforeToRule = () => ({ message: 'to must be after from', path: ['to'] });

/** Stored form: instants normalized to UTC, dates sorted and unique, an explicit time zone. */
export const scheduleExclusionSchema = z
  .discriminatedUnion('type', [windowExclusionSchema.refine(fromBeforeTo, fromBeforeToRule()), datesExclusionSchema, cronExclusionSchema])
  .superRefine((exclusion, ctx) => {
    if (exclusion.type === 'window') return;
    const zoneIssue = timezoneIssue(exclusion.timezone);
    if (zoneIssue) ctx.addIssue({ code: 'custom', path: ['timezone'], message: zoneIssue });
    const exprIssue = exclusion.type === 'cron' && !zoneIssue ? cronExpressionIssue(exclusion.expression, exclusion.timezone) : undefined;
    if (exprIssue) ctx.addIssue({ code: 'custom', path: ['expression'], message: exprIssue });
  });
export type ScheduleExclusion = z.infer<typeof scheduleExclusionSchema>;
export type WindowExclusion = z.infer<typeof windowExclusionSchema>;
export type DatesExclusion = z.infer<typeof datesExclusionSchema>;
export type CronExclusion = z.infer<typeof cronExclusionSchema>;

export const scheduleExclusionsSchema = z.array(scheduleExclusionSchema).min(1).max(MAX_EXCLUSIONS);

/** User input: the stored shapes with the time zone optional (see the module comment for its default). */
export const scheduleExclusionInputSchema = z.discriminatedUnion('type', [
  windowExclusionSchema.strict(),
  datesExclusionSchema.extend({ timezone: datesExclusionSchema.shape.timezone.optional() }).strict(),
  cronExclusionSchema.extend({ timezone: cronExclusionSchema.shape.timezone.optional() }).strict(),
]);
export type ScheduleExclusionInput = z.infer<typeof scheduleExclusionInputSchema>;

export const scheduleExclusionsInputSchema = z.array(scheduleExclusionInputSchema).min(1).max(MAX_EXCLUSIONS);

/**
 * Input exclusions in stored form, or undefined after reporting an issue (paths relative to `exclude`): instants in
 * UTC, dates sorted without repeats, the time zone filled in with `defaultZone`, a cron expression on single spaces.
 */
export function normalizeExclusions(
  input: readonly ScheduleExclusionInput[],
  defaultZone: string,
  ctx: z.RefinementCtx,
): ScheduleExclusion[] | undefined {
  const out: ScheduleExclusion[] = [];
  const issue = (index: number, field: string, message: string) => {
    ctx.addIssue({ code: 'custom', path: ['exclude', index, field], message });
    return undefined;
  };
  for (const [index, exclusion] of input.entries()) {
    if (exclusion.type === 'window') {
      const window = { type: 'window' as const, from: new Date(exclusion.from).toISOString(), to: new Date(exclusion.to).toISOString() };
      if (!fromBeforeTo(window)) return issue(index, 'to', fromBeforeToRule().message);
      out.push(window);
      continue;
    }
    const timezone = (exclusion.timezone ?? defaultZone).trim();
    const zoneIssue = timezoneIssue(timezone);
    if (zoneIssue) return issue(index, 'timezone', zoneIssue);
    if (exclusion.type === 'dates') {
      out.push({ type: 'dates', dates: [...new Set(exclusion.dates)].sort(), timezone });
      continue;
    }
    const expression = normalizeCronExpression(exclusion.expression);
    const exprIssue = cronExpressionIssue(expression, timezone, true);
    if (exprIssue) return issue(index, 'expression', exprIssue);
    out.push({ type: 'cron', expression, timezone });
  }
  return out;
}
