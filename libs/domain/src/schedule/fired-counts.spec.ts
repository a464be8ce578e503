import { ErrorCode, SchedError, scheduleInputSchema, type ScheduleSpec } from '@sched/contracts';
import { assertCountableAfter } from './fired-counts';
import { firedCountsSince } from './next-fires';
import { occurrencesBetween } from './schedule.occurrences';

const spec = (input: unknown): ScheduleSpec => scheduleInputSchema.parse(input);
const at = (text: string) => Date.parse(text);
const HOUR_MS = 3_600_000;

/**
 * The count as it was always taken: every occurrence from the set instant, walked anew (one by one: countOccurrences
 * takes them 1,000 at a time, a thousand months ahead for a monthly cron, ~300 ms a question).
 */
const fullRecount = (schedule: ScheduleSpec, setAtMs: number, afterMs: number) =>
  afterMs <= setAtMs ? 0 : occurrencesBetween(schedule, setAtMs, afterMs, schedule.maxFires!).length;

/** Deterministic instants to ask about: mostly forward as the timer asks, some back, some far ahead. */
function* questions(setAtMs: number, spanMs: number): Generator<number> {
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let t = setAtMs - 60_000;
  for (let i = 0; i < 30; i++) {
    const roll = random();
    if (roll < 0.6) t += Math.floor(random() * (spanMs / 40));
    else if (roll < 0.8) t -= Math.floor(random() * (spanMs / 10));
    else t += Math.floor(random() * (spanMs / 5));
    yield t;
    yield t; // asked twice at one instant, as a timer and a read model do
  }
}

describe('firedCountsSince: counting on from where it got equals counting everything again', () => {
  const setAtMs = at('2027-03-28T00:30:00.250Z'); // half an hour before Berlin springs forward
  const cases: Array<[string, ScheduleSpec, number]> = [
    ['a cron every 7 s', spec({ type: 'cron', expression: '*/7 * * * * *', maxFires: 1e6 }), 2 * HOUR_MS],
    ['a cron every 10 min across Berlin\'s spring DST', spec({ type: 'cron', expression: '*/10 * * * *', timezone: 'Europe/Berlin', maxFires: 30 }), 2 * HOUR_MS],
    [
      'an interval with cron and dates exclusions',
      spec({ type: 'interval', every: '1m', maxFires: 1e6, exclude: [{ type: 'cron', expression: '* 2-3 * * *' }, { type: 'dates', dates: ['2027-03-29'] }] }),
      2 * 24 * HOUR_MS,
    ],
    [
      'an interval with an exclusion inside a startAt/endAt window',
      spec({
        ...{ type: 'interval', every: '30s', maxFires: 1e6, startAt: '2027-03-28T01:00:00Z', endAt: '2027-03-28T05:00:00Z' },
        exclude: [{ type: 'window', from: '2027-03-28T02:00:00Z', to: '2027-03-28T02:30:00Z' }],
      }),
      12 * HOUR_MS,
    ],
    [
      'a cron with a window',
      spec({ type: 'cron', expression: '*/5 * * * *', maxFires: 1e6, startAt: '2027-03-28T03:00:00Z', endAt: '2027-03-28T09:00:00Z' }),
      12 * HOUR_MS,
    ],
    ['a cron that reaches its maxFires', spec({ type: 'cron', expression: '*/3 * * * *', maxFires: 150 }), 24 * HOUR_MS],
    ['an interval with an exclusion that reaches its maxFires', spec({ type: 'interval', every: '1m', maxFires: 500, exclude: [{ type: 'cron', expression: '* 1 * * *' }] }), 24 * HOUR_MS],
    ['a one-shot', spec({ type: 'once', at: '2027-03-28T04:00:00Z', maxFires: 1 }), 12 * HOUR_MS],
    // Counted by the calendar where far apart (cron-counts.ts): day fields, windows, five fields and the limit.
    ['a cron every 10 min in office hours on weekdays', spec({ type: 'cron', expression: '0 */10 8-17 * * 1-5', maxFires: 1e6 }), 10 * 24 * HOUR_MS],
    ['a cron at noon on the last day of each month', spec({ type: 'cron', expression: '0 0 12 L * *', maxFires: 1e6 }), 400 * 24 * HOUR_MS],
    ['a five-field cron on days 1-7 or second Mondays (both day fields)', spec({ type: 'cron', expression: '30 9 1-7 * MON#2', maxFires: 1e6 }), 200 * 24 * HOUR_MS],
    ['a cron every 15 min in a window', spec({ type: 'cron', expression: '*/15 * * * *', maxFires: 1e6, startAt: '2027-03-28T05:07:00Z', endAt: '2027-03-30T11:00:00Z' }), 3 * 24 * HOUR_MS],
    ['a cron every 30 s that reaches its maxFires', spec({ type: 'cron', expression: '*/30 * * * * *', maxFires: 4000 }), 2 * 24 * HOUR_MS],
  ];

  it.each(cases)('%s', (_name, schedule, spanMs) => {
    for (const afterMs of questions(setAtMs, spanMs)) {
      const expected = fullRecount(schedule, setAtMs, afterMs);
      expect([afterMs, firedCountsSince([schedule], setAtMs, afterMs)[0]]).toEqual([afterMs, expected]);
      // The gateway and the read models rebuild their spec objects per question: remembered by value, same answer.
      expect([afterMs, firedCountsSince([structuredClone(schedule)], setAtMs, afterMs)[0]]).toEqual([afterMs, expected]);
    }
    // The same spec set at another instant is counted on its own.
    expect(firedCountsSince([schedule], setAtMs + HOUR_MS, setAtMs + 2 * HOUR_MS)[0]).toBe(fullRecount(schedule, setAtMs + HOUR_MS, setAtMs + 2 * HOUR_MS));
  });

  it('costs a timer asking after each fire the occurrences since its last question, not all since the set instant', () => {
    const everySecond = spec({ type: 'cron', expression: '* * * * * *', maxFires: 1e7 });
    const dayLater = setAtMs + 24 * HOUR_MS;
    expect(firedCountsSince([everySecond], setAtMs, dayLater)[0]).toBe(86_400);
    const started = performance.now();
    for (let fire = 1; fire <= 20; fire++) expect(firedCountsSince([everySecond], setAtMs, dayLater + fire * 1000)[0]).toBe(86_400 + fire);
    // A recount walks 86,400 occurrences (~200 ms) per question, 4 s for these 20; walking on is one step each.
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('costs a restarted timer\'s first question days, not occurrences, for a UTC cron (a week of every second walked took 19 s)', () => {
    const everySecond = spec({ type: 'cron', expression: '* * * * * *', maxFires: 1e7 });
    const setAt = setAtMs + 5 * HOUR_MS; // not a set instant asked about before
    const started = performance.now();
    expect(firedCountsSince([everySecond], setAt, setAt + 7 * 24 * HOUR_MS)[0]).toBe(7 * 86_400);
    expect(firedCountsSince([everySecond], setAt, setAt + 7 * 24 * HOUR_MS + 1_500)[0]).toBe(7 * 86_400 + 1);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('assertCountableAfter: how far ahead next-fires may ask about a task with maxFires', () => {
  const now = at('2027-01-01T00:00:00Z');
  const counted = spec({ type: 'cron', expression: '* * * * * *', maxFires: 10 });

  it('refuses an after more than 24 h ahead, naming after', () => {
    expect(() => assertCountableAfter([counted], now + 24 * HOUR_MS, now)).not.toThrow();
    let error: unknown;
    try {
      assertCountableAfter([counted], now + 24 * HOUR_MS + 1, now);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SchedError);
    expect((error as SchedError).code).toBe(ErrorCode.VALIDATION);
    expect((error as SchedError).details).toMatchObject({ issues: [{ path: 'after' }], limit: 'MAX_NEXT_FIRES_COUNTED_AHEAD_MS' });
  });

  it('takes any after for schedules that count nothing one by one: no maxFires, or a plain interval', () => {
    const far = now + 365 * 24 * HOUR_MS;
    expect(() => assertCountableAfter([spec({ type: 'cron', expression: '* * * * * *' })], far, now)).not.toThrow();
    expect(() => assertCountableAfter([spec({ type: 'interval', every: '1s', maxFires: 10 })], far, now)).not.toThrow();
  });
});
