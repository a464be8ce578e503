import { scheduleInputSchema, type ScheduleSpec } from '@sched/contracts';
import { definitionFrom, scheduleInput } from './task-input';

const stored = (input: unknown): ScheduleSpec => scheduleInputSchema.parse(input);
const berlinNightly = stored({
  type: 'cron',
  expression: '0 2 * * *',
  timezone: 'Europe/Berlin',
  jitterMs: 1000,
  maxFires: 30,
  exclude: [{ type: 'dates', dates: ['2026-12-25'] }],
});
const hourly = stored({ type: 'interval', every: '1h', offset: '5m' });

describe('task update flags: a flag changes one part of the schedules and keeps the rest', () => {
  it('a stored schedule goes back as input that stores the same', () => {
    for (const spec of [berlinNightly, hourly, stored({ type: 'once', at: '2030-01-01T00:00:00Z', endAt: '2030-02-01T00:00:00Z' })]) {
      expect(scheduleInputSchema.parse(scheduleInput(spec))).toEqual(spec);
    }
  });

  it('--cron on a task with one schedule keeps its zone, jitter, maxFires and exclusions (it moved to UTC and dropped them)', () => {
    const { schedules } = definitionFrom({ cron: '0 3 * * *' }, { schedules: [berlinNightly] });
    expect((schedules as unknown[]).map((input) => scheduleInputSchema.parse(input))).toEqual([{ ...berlinNightly, expression: '0 3 * * *' }]);
    // What the flags say wins: --tz, and --exclude-* replace the exclusions.
    const moved = definitionFrom({ cron: '0 3 * * *', tz: 'Asia/Tokyo', excludeDates: ['2027-01-01'] }, { schedules: [berlinNightly] });
    expect(scheduleInputSchema.parse((moved.schedules as unknown[])[0])).toMatchObject({
      timezone: 'Asia/Tokyo',
      exclude: [{ type: 'dates', dates: ['2027-01-01'], timezone: 'Asia/Tokyo' }],
      maxFires: 30,
    });
  });

  it('--tz alone moves the cron schedules to the zone; --exclude-* alone set every schedule\'s exclusions', () => {
    const zoned = definitionFrom({ tz: 'America/New_York' }, { schedules: [berlinNightly, hourly] });
    expect((zoned.schedules as unknown[]).map((input) => scheduleInputSchema.parse(input))).toEqual([{ ...berlinNightly, timezone: 'America/New_York', exclude: [{ type: 'dates', dates: ['2026-12-25'], timezone: 'Europe/Berlin' }] }, hourly]);
    const excluded = definitionFrom({ excludeCron: ['* * * * SAT,SUN'] }, { schedules: [berlinNightly, hourly] });
    const exclude = [{ type: 'cron', expression: '* * * * SAT,SUN', timezone: 'UTC' }];
    expect((excluded.schedules as unknown[]).map((input) => scheduleInputSchema.parse(input))).toEqual([
      { ...berlinNightly, exclude: [{ ...exclude[0], timezone: 'Europe/Berlin' }] },
      { ...hourly, exclude },
    ]);
    expect(definitionFrom({ name: 'x' }, { schedules: [hourly] }).schedules).toBeUndefined();
  });

  it('says what cannot be done instead of dropping a flag', () => {
    expect(() => definitionFrom({ tz: 'Asia/Tokyo' }, { schedules: [hourly] })).toThrow(/--tz alone changes the zone of the task's cron schedules, and it has none/);
    expect(() => definitionFrom({ excludeDates: ['2027-01-01'] }, { schedules: [] })).toThrow(/the task has no schedule/);
    // On create, as before: a modifier needs the schedule it modifies.
    expect(() => definitionFrom({ tz: 'Asia/Tokyo' })).toThrow(/--tz is the time zone of --cron/);
    expect(() => definitionFrom({ excludeDates: ['2027-01-01'] })).toThrow(/--exclude-\* leave instants out/);
  });

  it('several schedules are replaced whole, with nothing carried over', () => {
    const { schedules } = definitionFrom({ every: '5m' }, { schedules: [berlinNightly, hourly] });
    expect(schedules).toEqual([{ type: 'interval', every: '5m' }]);
  });
});
