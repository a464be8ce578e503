import { AttemptWatchdog, nextDeadline } from './attempt-watchdog';

describe('attempt watchdog', () => {
  beforeEach(() => jest.useFakeTimers({ now: 10_000 }));
  afterEach(() => {
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  it('picks the earliest deadline', () => {
    const times = { timeouts: { startToCloseMs: 5000, scheduleToCloseMs: 4000, heartbeatMs: 3000 }, scheduledAtMs: 8000, startedAtMs: 10_000 };
    expect(nextDeadline(times, 10_000)).toEqual({ kind: 'scheduleToClose', atMs: 12_000, timeoutMs: 4000 });
    expect(nextDeadline({ ...times, timeouts: {} }, 10_000)).toBeUndefined();
  });

  it('fires the heartbeat timeout only after a silence of heartbeatMs', () => {
    const fired: string[] = [];
    const watchdog = new AttemptWatchdog(
      { timeouts: { heartbeatMs: 1000, startToCloseMs: 10_000 }, scheduledAtMs: 10_000, startedAtMs: 10_000 },
      (kind) => fired.push(kind),
    );
    for (let i = 0; i < 5; i += 1) {
      jest.advanceTimersByTime(800);
      watchdog.beat();
    }
    expect(fired).toEqual([]);
    jest.advanceTimersByTime(1000);
    expect(fired).toEqual(['heartbeat']);
  });

  it('a deadline further off than setTimeout reaches (~24.8 d) fires on time, not at once (Node ran such a timer after 1 ms, in a loop)', () => {
    const fired: string[] = [];
    const thirtyDaysMs = 30 * 86_400_000;
    const arm = jest.spyOn(global, 'setTimeout');
    new AttemptWatchdog({ timeouts: { startToCloseMs: thirtyDaysMs }, scheduledAtMs: 10_000, startedAtMs: 10_000 }, (kind) => fired.push(kind));
    jest.advanceTimersByTime(60_000);
    expect(arm).toHaveBeenCalledTimes(1); // not woken every millisecond
    jest.advanceTimersByTime(thirtyDaysMs - 60_001);
    expect(fired).toEqual([]);
    expect(arm).toHaveBeenCalledTimes(2); // woken once before the deadline, and re-armed
    jest.advanceTimersByTime(1);
    expect(fired).toEqual(['startToClose']);
  });

  it('fires start-to-close even while the code keeps beating', () => {
    const fired: string[] = [];
    const watchdog = new AttemptWatchdog({ timeouts: { heartbeatMs: 1000, startToCloseMs: 2500 }, scheduledAtMs: 0, startedAtMs: 10_000 }, (kind) => fired.push(kind));
    for (let i = 0; i < 10 && fired.length === 0; i += 1) {
      jest.advanceTimersByTime(500);
      watchdog.beat();
    }
    expect(fired).toEqual(['startToClose']);
    watchdog.stop();
  });
});
