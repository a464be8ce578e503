import type { CronSchedule } from '@sched/contracts';
import { nextFireAfter, occurrencesBetween } from './schedule.occurrences';

const ms = (iso: string) => Date.parse(iso);
const isoOf = (t: number) => new Date(t).toISOString();
const cron = (expression: string, timezone = 'UTC', extra: Partial<CronSchedule> = {}): CronSchedule => ({
  type: 'cron',
  expression,
  timezone,
  ...extra,
});
/** Fires in (from, to] as UTC ISO strings. */
const fires = (spec: CronSchedule, from: string, to: string) =>
  occurrencesBetween(spec, ms(from), ms(to), 1000).map(isoOf);
/** Local wall-clock "YYYY-MM-DD HH:mm:ss" of an instant in a zone. */
const wall = (t: number, timeZone: string) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'medium' }).format(t);

describe('cron in time zones', () => {
  it('reads the expression in the given zone, summer and winter', () => {
    const nine = (tz: string, after: string) => isoOf(nextFireAfter(cron('0 9 * * *', tz), ms(after))!);
    expect(nine('UTC', '2025-01-15T00:00:00Z')).toBe('2025-01-15T09:00:00.000Z');
    expect(nine('Europe/Berlin', '2025-01-15T00:00:00Z')).toBe('2025-01-15T08:00:00.000Z');
    expect(nine('Europe/Berlin', '2025-07-15T00:00:00Z')).toBe('2025-07-15T07:00:00.000Z');
    expect(nine('America/New_York', '2025-01-15T00:00:00Z')).toBe('2025-01-15T14:00:00.000Z');
    expect(nine('America/New_York', '2025-07-15T00:00:00Z')).toBe('2025-07-15T13:00:00.000Z');
    expect(nine('Etc/UTC', '2025-07-15T10:00:00Z')).toBe('2025-07-16T09:00:00.000Z');
  });

  it('is strictly after the query instant, at whole-second precision', () => {
    const spec = cron('0 9 * * *');
    expect(nextFireAfter(spec, ms('2025-01-15T08:59:59.999Z'))).toBe(ms('2025-01-15T09:00:00Z'));
    expect(nextFireAfter(spec, ms('2025-01-15T09:00:00.000Z'))).toBe(ms('2025-01-16T09:00:00Z'));
  });

  it('supports 6-field expressions with seconds first', () => {
    expect(fires(cron('*/15 * * * * *'), '2025-01-15T10:00:00Z', '2025-01-15T10:01:00Z')).toEqual([
      '2025-01-15T10:00:15.000Z',
      '2025-01-15T10:00:30.000Z',
      '2025-01-15T10:00:45.000Z',
      '2025-01-15T10:01:00.000Z',
    ]);
    expect(isoOf(nextFireAfter(cron('30 0 9 * * *', 'Europe/Berlin'), ms('2025-01-15T00:00:00Z'))!)).toBe(
      '2025-01-15T08:00:30.000Z',
    );
  });

  it('respects startAt (inclusive) and endAt (inclusive)', () => {
    const spec = cron('0 * * * *', 'UTC', { startAt: '2025-01-15T10:00:00.000Z', endAt: '2025-01-15T12:00:00.000Z' });
    expect(fires(spec, '2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z')).toEqual([
      '2025-01-15T10:00:00.000Z',
      '2025-01-15T11:00:00.000Z',
      '2025-01-15T12:00:00.000Z',
    ]);
    expect(nextFireAfter(spec, ms('2025-01-15T12:00:00Z'))).toBeUndefined();
  });
});

describe('DST: fixed-time expressions (no wildcard or step in second, minute, hour)', () => {
  it('Europe/Berlin spring forward: 02:30 does not exist, fires once at 03:00 CEST, the first valid instant', () => {
    expect(fires(cron('30 2 * * *', 'Europe/Berlin'), '2025-03-28T12:00:00Z', '2025-03-31T12:00:00Z')).toEqual([
      '2025-03-29T01:30:00.000Z', // 02:30 CET
      '2025-03-30T01:00:00.000Z', // 03:00 CEST: the gap 02:00-03:00 made up at its end
      '2025-03-31T00:30:00.000Z', // 02:30 CEST
    ]);
  });

  it('coalesces several gap times of one expression into that one fire', () => {
    expect(fires(cron('0,30 2 * * *', 'Europe/Berlin'), '2025-03-29T12:00:00Z', '2025-03-30T12:00:00Z')).toEqual([
      '2025-03-30T01:00:00.000Z',
    ]);
    expect(fires(cron('0 2,3 * * *', 'Europe/Berlin'), '2025-03-29T12:00:00Z', '2025-03-30T12:00:00Z')).toEqual([
      '2025-03-30T01:00:00.000Z',
    ]);
    // lists count as fixed times too (croner's default would drop this 02:30 run on the spring day)
    expect(fires(cron('30 2,14 * * *', 'Europe/Berlin'), '2025-03-29T12:00:00Z', '2025-03-30T23:00:00Z')).toEqual([
      '2025-03-29T13:30:00.000Z',
      '2025-03-30T01:00:00.000Z',
      '2025-03-30T12:30:00.000Z',
    ]);
  });

  it('Europe/Berlin fall back: 02:30 happens twice, fires once at the first (CEST) occurrence', () => {
    expect(fires(cron('30 2 * * *', 'Europe/Berlin'), '2025-10-25T12:00:00Z', '2025-10-27T12:00:00Z')).toEqual([
      '2025-10-26T00:30:00.000Z', // 02:30 CEST; 02:30 CET (01:30Z) is skipped
      '2025-10-27T01:30:00.000Z', // 02:30 CET
    ]);
    expect(fires(cron('0 30 2 * * *', 'Europe/Berlin'), '2025-10-25T12:00:00Z', '2025-10-26T12:00:00Z')).toEqual([
      '2025-10-26T00:30:00.000Z',
    ]);
  });

  it('America/New_York spring forward: 02:30 fires at 03:00 EDT', () => {
    expect(fires(cron('30 2 * * *', 'America/New_York'), '2025-03-08T12:00:00Z', '2025-03-10T12:00:00Z')).toEqual([
      '2025-03-09T07:00:00.000Z', // 03:00 EDT
      '2025-03-10T06:30:00.000Z', // 02:30 EDT
    ]);
  });

  it('America/New_York fall back: 01:30 fires once, at 01:30 EDT', () => {
    const spec = cron('30 1 * * *', 'America/New_York');
    expect(fires(spec, '2025-11-01T12:00:00Z', '2025-11-03T12:00:00Z')).toEqual([
      '2025-11-02T05:30:00.000Z', // 01:30 EDT; 01:30 EST (06:30Z) is skipped
      '2025-11-03T06:30:00.000Z',
    ]);
    // asked from inside the repeated hour, after the first occurrence: the second one still does not fire
    expect(isoOf(nextFireAfter(spec, ms('2025-11-02T06:10:00Z'))!)).toBe('2025-11-03T06:30:00.000Z');
    expect(isoOf(nextFireAfter(cron('45 1 * * *', 'America/New_York'), ms('2025-11-02T06:10:00Z'))!)).toBe(
      '2025-11-03T06:45:00.000Z',
    );
  });
});

describe('DST: interval-like expressions (wildcard or step) follow elapsed time', () => {
  it('skip times that do not exist in the spring gap, without a make-up fire', () => {
    expect(fires(cron('*/30 * * * *', 'Europe/Berlin'), '2025-03-30T00:00:00Z', '2025-03-30T02:00:00Z')).toEqual([
      '2025-03-30T00:30:00.000Z', // 01:30 CET
      '2025-03-30T01:00:00.000Z', // 03:00 CEST
      '2025-03-30T01:30:00.000Z',
      '2025-03-30T02:00:00.000Z',
    ]);
    expect(fires(cron('30 * * * *', 'America/New_York'), '2025-03-09T05:00:00Z', '2025-03-09T08:00:00Z')).toEqual([
      '2025-03-09T05:30:00.000Z', // 00:30 EST
      '2025-03-09T06:30:00.000Z', // 01:30 EST; 02:30 does not exist
      '2025-03-09T07:30:00.000Z', // 03:30 EDT
    ]);
  });

  it('fire at both occurrences of the repeated hour, so they never go silent for an hour', () => {
    expect(fires(cron('*/30 * * * *', 'Europe/Berlin'), '2025-10-25T23:30:00Z', '2025-10-26T02:00:00Z')).toEqual([
      '2025-10-26T00:00:00.000Z', // 02:00 CEST
      '2025-10-26T00:30:00.000Z', // 02:30 CEST
      '2025-10-26T01:00:00.000Z', // 02:00 CET
      '2025-10-26T01:30:00.000Z', // 02:30 CET
      '2025-10-26T02:00:00.000Z', // 03:00 CET
    ]);
    expect(fires(cron('0 * * * *', 'America/New_York'), '2025-11-02T04:30:00Z', '2025-11-02T07:00:00Z')).toEqual([
      '2025-11-02T05:00:00.000Z', // 01:00 EDT
      '2025-11-02T06:00:00.000Z', // 01:00 EST
      '2025-11-02T07:00:00.000Z', // 02:00 EST
    ]);
  });
});

describe('DST: nextFireAfter agrees with the enumerated sequence from any query instant', () => {
  const transitions: Array<[string, string, string]> = [
    ['Europe/Berlin', '2025-03-29T00:00:00Z', '2025-03-31T00:00:00Z'],
    ['Europe/Berlin', '2025-10-25T00:00:00Z', '2025-10-27T00:00:00Z'],
    ['America/New_York', '2025-03-08T06:00:00Z', '2025-03-10T06:00:00Z'],
    ['America/New_York', '2025-11-01T06:00:00Z', '2025-11-03T06:00:00Z'],
  ];
  const expressions = ['30 2 * * *', '0 1-3 * * *', '15,45 1,2 * * *', '*/20 * * * *', '0 30 1 * * *', '0 2 * * *'];

  it.each(transitions)('%s %s', (tz, from, to) => {
    for (const expression of expressions) {
      const spec = cron(expression, tz);
      const sequence = occurrencesBetween(spec, ms(from), ms(to), 10_000);
      // a restarted timer asks from an arbitrary instant, not from the last fire: it must land on the same sequence
      for (let t = ms(from); t < ms(to) - 86_400_000 / 4; t += 7 * 60_000 + 13_000) {
        const expected = sequence.find((o) => o > t);
        if (expected !== undefined) expect([expression, t, nextFireAfter(spec, t)]).toEqual([expression, t, expected]);
      }
      // fixed-time expressions never fire the same local wall-clock time twice
      if (!/[*/]/.test(expression.split(' ').slice(0, expression.split(' ').length - 3).join(' '))) {
        const walls = sequence.map((o) => wall(o, tz));
        expect(new Set(walls).size).toBe(walls.length);
      }
    }
  });
});
