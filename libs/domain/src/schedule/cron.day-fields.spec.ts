import { scheduleInputSchema, type CronSchedule, type ScheduleSpec } from '@sched/contracts';
import { excludedUntil } from './exclusions';
import { occurrencesBetween } from './schedule.occurrences';

/**
 * Day of month and day of week combine as in Vixie cron: AND when either field begins with `*` (a `*` step included),
 * OR only when both are restricted. The dates below are checked against a calendar (2025-06-02 is a Monday).
 */
const days = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const cron = (expression: string, timezone = 'UTC'): CronSchedule => ({ type: 'cron', expression, timezone });
/** "2025-06-09 MON" for each fire in (from, to]. */
const dates = (spec: ScheduleSpec, from: string, to: string) =>
  occurrencesBetween(spec, Date.parse(from), Date.parse(to), 1000).map((t) => `${new Date(t).toISOString().slice(0, 10)} ${days[new Date(t).getUTCDay()]}`);

describe('cron day of month and day of week, as Vixie cron combines them', () => {
  it('ANDs them when the day of month begins with * (a step): odd-dated Mondays, not odd days plus Mondays', () => {
    const odd = ['2025-06-09 MON', '2025-06-23 MON', '2025-07-07 MON', '2025-07-21 MON'];
    expect(dates(cron('0 0 */2 * MON'), '2025-06-01T00:00:00Z', '2025-07-31T00:00:00Z')).toEqual(odd);
    // the same with seconds first, and with `?` for the `*`
    expect(dates(cron('0 0 0 */2 * MON'), '2025-06-01T00:00:00Z', '2025-07-31T00:00:00Z')).toEqual(odd);
    expect(dates(cron('0 0 ?/2 * MON'), '2025-06-01T00:00:00Z', '2025-07-31T00:00:00Z')).toEqual(odd);
  });

  it('ANDs them when the day of week begins with *: the 1st when it is a Sunday, Tuesday, Thursday or Saturday', () => {
    expect(dates(cron('0 0 1 * */2'), '2025-06-01T00:00:00Z', '2026-01-31T00:00:00Z')).toEqual([
      '2025-07-01 TUE',
      '2025-11-01 SAT',
      '2026-01-01 THU',
    ]);
  });

  it('ORs them when both are restricted (Vixie cron does too): the 1st to the 7th and every Monday', () => {
    expect(dates(cron('0 0 1-3 * MON'), '2025-06-01T00:00:00Z', '2025-06-20T00:00:00Z')).toEqual([
      '2025-06-02 MON',
      '2025-06-03 TUE',
      '2025-06-09 MON',
      '2025-06-16 MON',
    ]);
  });

  it('keeps *, ?, L, W, # and nicknames as they were', () => {
    const june = (expression: string) => dates(cron(expression), '2025-06-01T00:00:00Z', '2025-06-30T23:00:00Z');
    expect(june('0 0 ? * MON')).toEqual(['2025-06-02 MON', '2025-06-09 MON', '2025-06-16 MON', '2025-06-23 MON', '2025-06-30 MON']);
    expect(june('0 0 15 * ?')).toEqual(['2025-06-15 SUN']);
    expect(june('0 0 L * *')).toEqual(['2025-06-30 MON']);
    expect(june('0 0 * * 5L')).toEqual(['2025-06-27 FRI']);
    expect(june('0 0 15W * *')).toEqual(['2025-06-16 MON']);
    expect(june('0 0 ? * MON#2')).toEqual(['2025-06-09 MON']);
    // the last day of the month AND a Sunday, Tuesday, Thursday or Saturday (June ends on a Monday, July on a Thursday)
    expect(dates(cron('0 0 L * */2'), '2025-06-01T00:00:00Z', '2025-08-01T00:00:00Z')).toEqual(['2025-07-31 THU']);
    const weekly = scheduleInputSchema.parse({ type: 'cron', expression: '@weekly' });
    expect(dates(weekly, '2025-06-01T00:00:00Z', '2025-06-20T00:00:00Z')).toEqual(['2025-06-08 SUN', '2025-06-15 SUN']);
  });

  it('reads a cron exclusion the same way: * * */2 * MON leaves out odd-dated Mondays only', () => {
    const exclusion = scheduleInputSchema.parse({ type: 'interval', every: '1d', exclude: [{ type: 'cron', expression: '* * */2 * MON' }] }).exclude!;
    expect(excludedUntil(exclusion, Date.parse('2025-06-09T12:00:00Z'))).toBe(Date.parse('2025-06-10T00:00:00Z'));
    expect(excludedUntil(exclusion, Date.parse('2025-06-02T12:00:00Z'))).toBeUndefined(); // an even-dated Monday
    expect(excludedUntil(exclusion, Date.parse('2025-06-03T12:00:00Z'))).toBeUndefined(); // an odd day, a Tuesday
  });
});
