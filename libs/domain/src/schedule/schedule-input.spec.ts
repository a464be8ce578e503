import { scheduleInputSchema, scheduleSpecSchema } from '@sched/contracts';
import { nextFireAfter } from './schedule.occurrences';

/** The contract's input schema (libs/contracts/src/schedules.ts) feeds this module; its tests live next to the user. */
const parse = (input: unknown) => scheduleInputSchema.safeParse(input);
const issues = (input: unknown) => {
  const result = parse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('schedule input → stored spec', () => {
  it('keeps the interval stored shape and adds the common fields only when given', () => {
    expect(parse({ type: 'interval', every: '30s' }).data).toEqual({ type: 'interval', everyMs: 30_000, offsetMs: 0 });
    expect(
      parse({
        type: 'interval',
        every: '1m',
        offset: '5s',
        jitterMs: '2s',
        maxFires: 3,
        startAt: '2025-01-01T01:00:00+01:00',
        endAt: '2025-02-01T00:00:00Z',
      }).data,
    ).toEqual({
      type: 'interval',
      everyMs: 60_000,
      offsetMs: 5_000,
      jitterMs: 2_000,
      maxFires: 3,
      startAt: '2025-01-01T00:00:00.000Z',
      endAt: '2025-02-01T00:00:00.000Z',
    });
    expect(parse({ type: 'interval', every: '1m', jitterMs: 1500 }).data).toMatchObject({ jitterMs: 1500 });
  });

  it('parses cron with a default UTC zone and normalized spacing', () => {
    expect(parse({ type: 'cron', expression: ' 0  9 * * MON-FRI ' }).data).toEqual({
      type: 'cron',
      expression: '0 9 * * MON-FRI',
      timezone: 'UTC',
    });
    expect(parse({ type: 'cron', expression: '*/5 * * * * *', timezone: 'America/New_York' }).success).toBe(true);
  });

  it('parses a one-shot, normalized to UTC', () => {
    expect(parse({ type: 'once', at: '2030-01-01T09:00:00+01:00' }).data).toEqual({ type: 'once', at: '2030-01-01T08:00:00.000Z' });
  });

  it("takes cron's nicknames, stored as the fields they stand for, and fires them as those", () => {
    expect(parse({ type: 'cron', expression: '@daily', timezone: 'Europe/Berlin' }).data).toEqual({ type: 'cron', expression: '0 0 * * *', timezone: 'Europe/Berlin' });
    expect(parse({ type: 'cron', expression: ' @Hourly ' }).data).toMatchObject({ expression: '0 * * * *' });
    expect(parse({ type: 'cron', expression: '@weekly' }).data).toMatchObject({ expression: '0 0 * * 0' });
    expect(parse({ type: 'cron', expression: '@monthly' }).data).toMatchObject({ expression: '0 0 1 * *' });
    expect(parse({ type: 'cron', expression: '@yearly' }).data).toMatchObject({ expression: '0 0 1 1 *' });
    const spec = scheduleSpecSchema.parse(parse({ type: 'cron', expression: '@daily' }).data);
    expect(new Date(nextFireAfter(spec, Date.parse('2030-01-01T10:00:00Z'))!).toISOString()).toBe('2030-01-02T00:00:00.000Z');
  });

  it('reports bad cron expressions with croner’s message, and bad zones', () => {
    expect(issues({ type: 'cron', expression: '61 9 * * *' })).toEqual(['expression: minute 61 is out of range (0-59)']);
    // A duration finer than the millisecond it is stored in is refused, not rounded without a word; "1.1s" is no such.
    expect(issues({ type: 'interval', every: '1.0004s' })).toEqual(['every: every is finer than a millisecond ("1.0004s"): durations are whole milliseconds']);
    expect(issues({ type: 'interval', every: '1.1s' })).toEqual([]);
    // Days and months as cron counts them (croner's message said "day: 31" for a 32, "month: -1" for a 0).
    expect(issues({ type: 'cron', expression: '0 0 32 * *' })).toEqual(['expression: day of month 32 is out of range (1-31)']);
    expect(issues({ type: 'cron', expression: '0 0 1 0 *' })).toEqual(['expression: month 0 is out of range (1-12)']);
    expect(issues({ type: 'cron', expression: '@reboot' })).toEqual([
      'expression: cron expression must have 5 fields (minute hour day month weekday) or 6 (seconds first), or one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, got 1',
    ]);
    expect(issues({ type: 'cron', expression: '0 0 * * * * 2030' })[0]).toMatch(/must have 5 fields .* got 7/);
    // Six fields are read seconds first: a year in the sixth is a weekday out of range, and the message says why.
    expect(issues({ type: 'cron', expression: '0 9 * * 1-5 2030' })).toEqual([
      'expression: day of week 2030 is out of range (0-7) (6 fields are read seconds first: second minute hour day month weekday; no year field)',
    ]);
    expect(issues({ type: 'cron', expression: '0 0 30 2 *' })).toEqual(['expression: cron expression never matches any date']);
    expect(issues({ type: 'cron', expression: '0 9 * * *', timezone: 'Mars/Olympus' })[0]).toMatch(/^timezone: "Mars\/Olympus" is not an IANA/);
  });

  it('reports bad common fields', () => {
    const window = { startAt: '2025-02-01T00:00:00Z', endAt: '2025-01-01T00:00:00Z' };
    expect(issues({ type: 'interval', every: '30s', ...window })).toEqual(['endAt: endAt must be after startAt']);
    expect(issues({ type: 'interval', every: '2h', jitterMs: '2h' })).toEqual(['jitterMs: jitterMs must be at most 1h']);
    expect(issues({ type: 'interval', every: '30s', jitterMs: '1m' })).toEqual(['jitterMs: jitterMs must not exceed every']);
    // A cron schedule's period is the shortest time between its fires.
    expect(issues({ type: 'cron', expression: '* * * * * *', jitterMs: '2s' })).toEqual(["jitterMs: jitterMs must not exceed the shortest time between the expression's fires (1s)"]);
    expect(issues({ type: 'cron', expression: '*/5 * * * * *', jitterMs: '5s' })).toEqual([]);
    expect(issues({ type: 'cron', expression: '0 9 * * MON-FRI', timezone: 'Europe/Berlin', jitterMs: '1h' })).toEqual([]);
    expect(issues({ type: 'interval', every: '30s', jitterMs: 'soon' })[0]).toMatch(/^jitterMs: jitterMs must be a duration/);
    expect(issues({ type: 'interval', every: '30s', maxFires: 0 })).toHaveLength(1);
    expect(issues({ type: 'once', at: '2030-01-01T00:00:00Z', endAt: '2029-01-01T00:00:00Z' })).toEqual([
      'at: at must lie between startAt and endAt',
    ]);
    expect(issues({ type: 'once', at: 'tomorrow' })).toHaveLength(1);
    expect(issues({ type: 'once', at: '2030-01-01T00:00:00Z', extra: 1 })).toHaveLength(1);
  });

  it('outputs specs the stored schema accepts and the domain can run', () => {
    const inputs = [
      { type: 'interval', every: '1m', offset: '10s', jitterMs: '5s', maxFires: 10 },
      { type: 'cron', expression: '30 2 * * *', timezone: 'Europe/Berlin', endAt: '2030-01-01T00:00:00Z' },
      { type: 'once', at: '2030-01-01T09:00:00+01:00', startAt: '2029-01-01T00:00:00Z' },
    ];
    for (const input of inputs) {
      const spec = scheduleSpecSchema.parse(scheduleInputSchema.parse(input));
      expect(nextFireAfter(spec, Date.parse('2025-06-01T00:00:00Z'))).toBeGreaterThan(Date.parse('2025-06-01T00:00:00Z'));
    }
  });

  it('stored schema rejects what the input schema would (events are validated before append)', () => {
    expect(scheduleSpecSchema.safeParse({ type: 'cron', expression: '* * *', timezone: 'UTC' }).success).toBe(false);
    expect(scheduleSpecSchema.safeParse({ type: 'cron', expression: '* * * * *', timezone: 'Nowhere' }).success).toBe(false);
    expect(scheduleSpecSchema.safeParse({ type: 'interval', everyMs: 1000, offsetMs: 0, jitterMs: 3_600_001 }).success).toBe(false);
    expect(scheduleSpecSchema.safeParse({ type: 'interval', everyMs: 1000, offsetMs: 0 }).success).toBe(true);
  });
});
