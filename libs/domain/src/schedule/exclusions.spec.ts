import { scheduleInputSchema, scheduleSpecSchema, type ScheduleSpec } from '@sched/contracts';
import { assertSchedulesCanFire } from '../task/task.rules';
import { countOccurrences, nextFires, remainingOccurrences } from './next-fires';
import { coversWholeRange } from './exclusions';
import { MAX_EXCLUDED_STRETCHES, excludedSearchEnd, nextFireAfter, occurrencesBetween, searchNextFire } from './schedule.occurrences';

const spec = (input: unknown): ScheduleSpec => scheduleInputSchema.parse(input);
const issues = (input: unknown) => {
  const result = scheduleInputSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};
const iso = (ms: number) => new Date(ms).toISOString();
const at = (text: string) => Date.parse(text);

describe('schedule exclusions: input', () => {
  it('stores each shape normalized, the zone defaulting to a cron schedule\'s own and to UTC otherwise', () => {
    expect(
      spec({
        type: 'cron',
        expression: '0 9 * * *',
        timezone: 'Europe/Berlin',
        exclude: [
          { type: 'window', from: '2027-08-01T00:00:00+02:00', to: '2027-08-15T00:00:00+02:00' },
          { type: 'dates', dates: ['2027-12-26', '2027-12-25', '2027-12-25'] },
          { type: 'cron', expression: ' *  * * * SAT,SUN ', timezone: 'America/New_York' },
        ],
      }).exclude,
    ).toEqual([
      { type: 'window', from: '2027-07-31T22:00:00.000Z', to: '2027-08-14T22:00:00.000Z' },
      { type: 'dates', dates: ['2027-12-25', '2027-12-26'], timezone: 'Europe/Berlin' },
      { type: 'cron', expression: '* * * * SAT,SUN', timezone: 'America/New_York' },
    ]);
    expect(spec({ type: 'interval', every: '1h', exclude: [{ type: 'dates', dates: ['2027-01-01'] }] }).exclude).toEqual([
      { type: 'dates', dates: ['2027-01-01'], timezone: 'UTC' },
    ]);
  });

  it('names the field of every bad exclusion', () => {
    const every = { type: 'interval', every: '1h' };
    expect(issues({ ...every, exclude: [{ type: 'window', from: '2027-01-02T00:00:00Z', to: '2027-01-01T00:00:00Z' }] })).toEqual([
      'exclude.0.to: to must be after from',
    ]);
    expect(issues({ ...every, exclude: [{ type: 'dates', dates: ['2027-02-30'] }] })[0]).toMatch(/^exclude\.0\.dates\.0: /);
    expect(issues({ ...every, exclude: [{ type: 'dates', dates: ['2027-01-01'], timezone: 'Mars/Olympus' }] })[0]).toMatch(
      /^exclude\.0\.timezone: "Mars\/Olympus" is not an IANA time zone/,
    );
    expect(issues({ ...every, exclude: [{ type: 'cron', expression: '0 0 30 2 *' }] })).toEqual([
      'exclude.0.expression: cron expression never matches any date',
    ]);
    expect(issues({ ...every, exclude: [{ type: 'cron', expression: '* * *', extra: 1 }] })[0]).toMatch(/^exclude\.0: Unrecognized key/);
    expect(issues({ ...every, exclude: [] })[0]).toMatch(/^exclude: /);
    expect(issues({ ...every, exclude: [{ type: 'weekends' }] })[0]).toMatch(/^exclude\.0\.type: /);
  });

  it('takes the stored form back as it is (events are validated when read)', () => {
    const stored = spec({ type: 'cron', expression: '0 9 * * *', exclude: [{ type: 'cron', expression: '* * * * SUN' }] });
    expect(scheduleSpecSchema.parse(stored)).toEqual(stored);
    expect(scheduleSpecSchema.safeParse({ ...stored, exclude: [{ type: 'cron', expression: 'nope', timezone: 'UTC' }] }).success).toBe(false);
  });
});

describe('schedule exclusions: occurrences', () => {
  it('a window leaves out the instants in [from, to), the one at `to` fires', () => {
    const hourly = spec({
      type: 'interval',
      every: '1h',
      exclude: [{ type: 'window', from: '2027-01-01T02:00:00Z', to: '2027-01-01T05:00:00Z' }],
    });
    expect(nextFires([hourly], at('2027-01-01T00:30:00Z'), 3).map(iso)).toEqual([
      '2027-01-01T01:00:00.000Z',
      '2027-01-01T05:00:00.000Z',
      '2027-01-01T06:00:00.000Z',
    ]);
  });

  it('dates are whole days in their zone, a Berlin holiday starting at 23:00 UTC the day before', () => {
    const hourly = spec({ type: 'interval', every: '1h', exclude: [{ type: 'dates', dates: ['2027-12-25'], timezone: 'Europe/Berlin' }] });
    expect(nextFireAfter(hourly, at('2027-12-24T21:30:00Z'))).toBe(at('2027-12-24T22:00:00Z'));
    expect(nextFireAfter(hourly, at('2027-12-24T22:00:00Z'))).toBe(at('2027-12-25T23:00:00Z'));
  });

  it('a weekday cron minus holidays: Christmas on a Monday moves to Tuesday', () => {
    const weekdays = spec({
      type: 'cron',
      expression: '0 9 * * MON-FRI',
      timezone: 'America/New_York',
      exclude: [{ type: 'dates', dates: ['2028-12-25'] }],
    });
    expect(nextFires([weekdays], at('2028-12-22T15:00:00Z'), 2).map(iso)).toEqual(['2028-12-26T14:00:00.000Z', '2028-12-27T14:00:00.000Z']);
  });

  it('a cron exclusion of weekends takes a 1 s interval past a whole weekend in one jump per day', () => {
    const everySecond = spec({ type: 'interval', every: '1s', exclude: [{ type: 'cron', expression: '* * * * SAT,SUN' }] });
    // 2027-01-01 is a Friday.
    expect(nextFireAfter(everySecond, at('2027-01-01T23:59:59Z'))).toBe(at('2027-01-04T00:00:00Z'));
    expect(countOccurrences([everySecond], at('2027-01-01T00:00:00Z'), at('2027-01-04T00:00:00Z'), 1e6)).toBe(86_400);
  });

  it('a nightly blackout of hours 2 and 3 (local) spans the hours, DST day included', () => {
    const quarterHourly = spec({
      type: 'interval',
      every: '15m',
      exclude: [{ type: 'cron', expression: '* 2-3 * * *', timezone: 'Europe/Berlin' }],
    });
    // 2027-03-28: Berlin springs forward at 02:00 local (01:00 UTC) to 03:00; 03:00–03:59 CEST is 01:00–01:59 UTC.
    expect(occurrencesBetween(quarterHourly, at('2027-03-28T00:00:00Z'), at('2027-03-28T02:30:00Z'), 20).map(iso)).toEqual([
      '2027-03-28T00:15:00.000Z',
      '2027-03-28T00:30:00.000Z',
      '2027-03-28T00:45:00.000Z',
      '2027-03-28T02:00:00.000Z',
      '2027-03-28T02:15:00.000Z',
      '2027-03-28T02:30:00.000Z',
    ]);
  });

  it('an excluded hour ends where the zone\'s next hour begins, across 30- and 45-minute DST shifts', () => {
    const tenMinutely = (timezone: string, hour: number) =>
      spec({ type: 'cron', expression: '*/10 * * * *', timezone, exclude: [{ type: 'cron', expression: `* ${hour} * * *` }] });
    // 2025-10-05 Lord_Howe: 01:59 +10:30 (15:29Z) is followed by 02:30 +11 (15:30Z); 02:30 was excluded with hour 1.
    expect(occurrencesBetween(tenMinutely('Australia/Lord_Howe', 1), at('2025-10-04T14:20:00Z'), at('2025-10-04T15:50:00Z'), 20).map(iso)).toEqual([
      '2025-10-04T15:30:00.000Z', // 02:30 +11
      '2025-10-04T15:40:00.000Z',
      '2025-10-04T15:50:00.000Z',
    ]);
    // 2025-09-28 Chatham: 02:44 +12:45 (13:59Z) is followed by 03:45 +13:45 (14:00Z).
    expect(occurrencesBetween(tenMinutely('Pacific/Chatham', 2), at('2025-09-27T13:00:00Z'), at('2025-09-27T14:20:00Z'), 20).map(iso)).toEqual([
      '2025-09-27T13:05:00.000Z', // 01:50 +12:45: the schedule's minutes are local, on :05, :15, ... UTC here
      '2025-09-27T14:05:00.000Z', // 03:50 +13:45
      '2025-09-27T14:15:00.000Z', // 04:00 +13:45
    ]);
  });

  it('minute and second exclusions cover just those', () => {
    const everySecond = spec({ type: 'interval', every: '1s', exclude: [{ type: 'cron', expression: '30 * * * *' }] });
    expect(nextFireAfter(everySecond, at('2027-01-01T00:29:59Z'))).toBe(at('2027-01-01T00:31:00Z'));
    const sixFields = spec({ type: 'interval', every: '1s', exclude: [{ type: 'cron', expression: '10-19 * * * * *' }] });
    expect(occurrencesBetween(sixFields, at('2027-01-01T00:00:08Z'), at('2027-01-01T00:00:21Z'), 10).map((ms) => new Date(ms).getUTCSeconds())).toEqual([
      9, 20, 21,
    ]);
  });

  it('any spelling of a whole field jumps as `*` does: December excluded (any of 3 ways) takes an every-minute schedule to January', () => {
    for (const expression of ['* * * 12 *', '*/1 * * 12 *', '0-59 * * 12 *', '0-29,30-59 0-23 * 12 *']) {
      const everyMinute = spec({ type: 'interval', every: '1m', exclude: [{ type: 'cron', expression }] });
      // It stopped for good (no next fire: the search ran out of steps a minute at a time), and a December set refused it.
      expect([expression, nextFireAfter(everyMinute, at('2027-11-30T23:59:30Z'))]).toEqual([expression, at('2028-01-01T00:00:00Z')]);
      expect(() => assertSchedulesCanFire('task.create', [everyMinute], at('2027-12-05T00:00:00Z'))).not.toThrow();
    }
    // A nightly two-hour blackout of an every-second schedule written with a seconds range, as with `*`.
    for (const expression of ['0-59 * 2-3 * * *', '* * 2-3 * * *', '*/1 0-59 2-3 * * *']) {
      const everySecond = spec({ type: 'interval', every: '1s', exclude: [{ type: 'cron', expression }] });
      expect([expression, nextFireAfter(everySecond, at('2027-01-01T01:59:59Z'))]).toEqual([expression, at('2027-01-01T04:00:00Z')]);
    }
    // Not whole: minute 0 only is one minute, every other hour skips the odd ones.
    const everySecond = spec({ type: 'interval', every: '1s', exclude: [{ type: 'cron', expression: '0-58 */2 * * *' }] });
    expect(nextFireAfter(everySecond, at('2027-01-01T00:00:00Z'))).toBe(at('2027-01-01T00:59:00Z'));
  });

  it('a search that gives up in a long excluded stretch says how far it got, and goes on from there', () => {
    // Two exclusions a second at a time (seconds 0-58, and 59) black out two hours: 60 stretches a minute.
    const blackout = spec({
      type: 'interval',
      every: '1s',
      exclude: [{ type: 'cron', expression: '0-58 * 0-1 1 1 *' }, { type: 'cron', expression: '59 * 0-1 1 1 *' }],
    });
    const first = searchNextFire(blackout, at('2028-01-01T00:00:00Z'));
    expect(first).toEqual({ searchedThroughMs: at('2028-01-01T01:23:20.999Z') }); // 5,000 stretches in, nothing fires
    expect(nextFireAfter(blackout, at('2028-01-01T00:00:00Z'))).toBeUndefined();
    expect(excludedSearchEnd([blackout], at('2028-01-01T00:00:00Z'))).toBe(at('2028-01-01T01:23:20.999Z'));
    expect(searchNextFire(blackout, at('2028-01-01T01:23:20.999Z'))).toEqual({ atMs: at('2028-01-01T02:00:00Z') });
    // A schedule that ended is no search to go on with.
    const once = spec({ type: 'once', at: '2028-01-01T00:00:00Z', exclude: [{ type: 'dates', dates: ['2029-01-01'] }] });
    expect(searchNextFire(once, at('2028-06-01T00:00:00Z'))).toEqual({ ended: true });
    expect(excludedSearchEnd([once], at('2028-06-01T00:00:00Z'))).toBeUndefined();
  });

  it('coversWholeRange reads lists, ranges and steps', () => {
    expect(['*', '?', '*/1', '0-59', '0/1', '0-29,30-59', '0-59/1', '0,1-58,59'].map((field) => coversWholeRange(field, 0, 59))).toEqual(Array(8).fill(true));
    expect(['*/2', '1-59', '0-58', '0-29,31-59', 'L', '5/1', 'MON', '0-59/0'].map((field) => coversWholeRange(field, 0, 59))).toEqual(Array(8).fill(false));
    expect(coversWholeRange('0-23', 0, 23)).toBe(true);
  });

  it('excluded occurrences are not fires: maxFires counts the ones that fire', () => {
    const daily = spec({
      type: 'cron',
      expression: '0 12 * * *',
      maxFires: 2,
      exclude: [{ type: 'dates', dates: ['2027-01-02'] }],
    });
    expect(countOccurrences([daily], at('2027-01-01T00:00:00Z'), at('2027-01-10T00:00:00Z'), 100)).toBe(8);
    const setAt = at('2027-01-01T00:00:00Z');
    expect(remainingOccurrences([daily], setAt, setAt, 5).map((o) => iso(o.atMs))).toEqual(['2027-01-01T12:00:00.000Z', '2027-01-03T12:00:00.000Z']);
    expect(remainingOccurrences([daily], setAt, at('2027-01-02T13:00:00Z'), 5).map((o) => iso(o.atMs))).toEqual(['2027-01-03T12:00:00.000Z']);
  });

  it('a schedule whose every occurrence is excluded is refused when set, naming exclude', () => {
    const mondays = spec({ type: 'cron', expression: '0 9 * * MON', exclude: [{ type: 'cron', expression: '* * * * MON' }] });
    expect(nextFireAfter(mondays, at('2027-01-01T00:00:00Z'))).toBeUndefined();
    expect(() => assertSchedulesCanFire('task.create', [mondays], at('2027-01-01T00:00:00Z'))).toThrow(
      expect.objectContaining({ details: { issues: [expect.objectContaining({ path: 'schedules.0.exclude' })] } }),
    );
    const once = spec({ type: 'once', at: '2027-05-01T10:00:00Z', exclude: [{ type: 'dates', dates: ['2027-05-01'] }] });
    expect(() => assertSchedulesCanFire('task.create', [once], at('2027-01-01T00:00:00Z'))).toThrow(/schedules\.0\.exclude: excludes every occurrence/);
    expect(MAX_EXCLUDED_STRETCHES).toBeGreaterThanOrEqual(3650);
  });
});
