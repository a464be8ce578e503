import { DELAYED_AFTER_MS, OVERDUE_AFTER_MS, type ScheduleSpec } from '@sched/contracts';
import { ZERO_COUNTS, type TaskRow } from '../projections';
import { nextFireOf, scheduleStatusOf } from './schedule-status';

const MINUTE = 60_000;
const NOW = Date.parse('2030-01-01T12:00:30Z');
const everyMinute: ScheduleSpec = { type: 'interval', everyMs: MINUTE, offsetMs: 0 };

const row = (extra: Partial<TaskRow> = {}, schedules: ScheduleSpec[] = [everyMinute]): TaskRow => ({
  taskId: 't1',
  definition: { name: 'n', description: '', executor: 'noop', config: {}, schedules, tags: [] },
  state: 'active',
  revision: 0,
  createdAt: NOW - 10 * MINUTE,
  updatedAt: NOW - 10 * MINUTE,
  schedulesSetAt: NOW - 10 * MINUTE,
  counts: ZERO_COUNTS,
  position: 1,
  ...extra,
});
const last = (status: NonNullable<TaskRow['lastExecution']>['status'], scheduledAt = NOW - 30_000) => ({
  lastExecution: { executionId: 'e', status, scheduledAt },
});

describe('computed schedule status', () => {
  it('disabled and paused come first, whatever ran', () => {
    expect(scheduleStatusOf(row({ disabled: true, ...last('running') }), NOW)).toBe('disabled');
    expect(scheduleStatusOf(row({ state: 'deleted' }), NOW)).toBe('disabled');
    expect(scheduleStatusOf(row({ state: 'paused', ...last('failed') }), NOW)).toBe('paused');
  });

  it('running while an execution runs or is paused mid-run', () => {
    expect(scheduleStatusOf(row({ counts: { ...ZERO_COUNTS, running: 1 } }), NOW)).toBe('running');
    expect(scheduleStatusOf(row(last('paused')), NOW)).toBe('running');
  });

  it(`overdue: no execution recorded for an occurrence more than ${OVERDUE_AFTER_MS} ms past`, () => {
    // Last recorded 12:00:00; 12:01:00 not recorded by 12:02:01.
    expect(scheduleStatusOf(row(last('succeeded', NOW - 30_000)), NOW + 91_000)).toBe('overdue');
    expect(scheduleStatusOf(row(last('succeeded', NOW - 30_000)), NOW + 89_000)).toBe('succeeded');
    // Never ran at all since it became active 10 minutes ago.
    expect(scheduleStatusOf(row(), NOW)).toBe('overdue');
    expect(scheduleStatusOf(row({ activeSince: NOW - 20_000 }), NOW)).toBe('pending');
  });

  it('overdue: the latest execution has been due without starting for too long', () => {
    expect(scheduleStatusOf(row(last('due', NOW - OVERDUE_AFTER_MS - 1)), NOW)).toBe('overdue');
    expect(scheduleStatusOf(row(last('due', NOW - 1000)), NOW)).toBe('pending');
  });

  it('a retry waiting out its backoff is not overdue until it has been due for too long itself', () => {
    const manual = (retryAt: number) => row({ lastExecution: { executionId: 'e', status: 'due', scheduledAt: NOW - 10 * MINUTE, retryAt } }, []);
    expect(scheduleStatusOf(manual(NOW + 4 * MINUTE), NOW)).toBe('pending'); // a 5-minute backoff, a minute in
    expect(scheduleStatusOf(manual(NOW - OVERDUE_AFTER_MS - 1), NOW)).toBe('overdue');
  });

  it('failed / succeeded follow the latest finished execution; skipped is neither', () => {
    expect(scheduleStatusOf(row(last('failed')), NOW)).toBe('failed');
    expect(scheduleStatusOf(row(last('cancelled')), NOW)).toBe('failed');
    expect(scheduleStatusOf(row(last('succeeded')), NOW)).toBe('succeeded');
    expect(scheduleStatusOf(row(last('skipped')), NOW)).toBe('pending');
  });

  it(`delayed: the next fire is more than ${DELAYED_AFTER_MS} ms ahead`, () => {
    const weekly: ScheduleSpec = { type: 'interval', everyMs: 7 * 24 * 3_600_000, offsetMs: 0 };
    const lastWeekly = Math.floor(NOW / weekly.everyMs) * weekly.everyMs;
    const fresh = row({ ...last('succeeded', lastWeekly) }, [weekly]);
    const nextFire = lastWeekly + weekly.everyMs;
    expect(scheduleStatusOf(fresh, nextFire - DELAYED_AFTER_MS - 1000)).toBe('delayed');
    expect(scheduleStatusOf(fresh, nextFire - DELAYED_AFTER_MS + 1000)).toBe('succeeded');
    expect(scheduleStatusOf(row({ ...last('failed', lastWeekly) }, [weekly]), nextFire - DELAYED_AFTER_MS - 1000)).toBe('failed');
  });

  it('a schedule that fired its maxFires has no next fire and is never overdue', () => {
    // Set 10 minutes ago, 3 fires allowed: 11:51, 11:52, 11:53 fired; nothing after.
    const three: ScheduleSpec = { ...everyMinute, maxFires: 3 };
    const done = row(last('succeeded', NOW - 7 * MINUTE - 30_000), [three]);
    expect(nextFireOf(done, NOW)).toBeUndefined();
    expect(scheduleStatusOf(done, NOW + 10 * MINUTE)).toBe('succeeded');
    // One fire left: its next is the minute after the second.
    const twoFired = row(last('succeeded', NOW - 8 * MINUTE - 30_000), [three]);
    expect(nextFireOf(twoFired, NOW - 8 * MINUTE)).toBe(NOW - 7 * MINUTE - 30_000);
  });

  it('a task without schedules (manual) is pending until it runs, never overdue', () => {
    expect(scheduleStatusOf(row({}, []), NOW)).toBe('pending');
    expect(scheduleStatusOf(row(last('succeeded', NOW - 3_600_000), []), NOW)).toBe('succeeded');
  });

  it('ended: schedules with no fire left, and nothing succeeded last (a one-shot missed while disabled), not pending for good', () => {
    const missed: ScheduleSpec = { type: 'once', at: new Date(NOW - 5 * MINUTE).toISOString() };
    // Enabled again after its instant: no execution of it, never overdue (it was not active then), nothing ahead.
    expect(scheduleStatusOf(row({ activeSince: NOW - 2 * MINUTE }, [missed]), NOW)).toBe('ended');
    expect(scheduleStatusOf(row({ activeSince: NOW - 2 * MINUTE, ...last('skipped', NOW - 5 * MINUTE) }, [missed]), NOW)).toBe('ended');
    // One that ran: its outcome, as before.
    expect(scheduleStatusOf(row(last('succeeded', NOW - 5 * MINUTE), [missed]), NOW)).toBe('succeeded');
    expect(scheduleStatusOf(row(last('failed', NOW - 5 * MINUTE), [missed]), NOW)).toBe('failed');
  });
});
