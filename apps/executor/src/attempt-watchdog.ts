import { MAX_TIMER_DELAY_MS, type ExecutionTimeouts, type TaskTimedOut } from '@sched/contracts';

export type TimeoutKind = TaskTimedOut['data']['timeout'];

export interface WatchdogTimes {
  readonly timeouts: ExecutionTimeouts;
  readonly scheduledAtMs: number;
  readonly startedAtMs: number;
}

/** The earliest deadline among the attempt's timeouts, given the last sign of life; undefined without timeouts. */
export function nextDeadline(times: WatchdogTimes, lastBeatMs: number): { kind: TimeoutKind; atMs: number; timeoutMs: number } | undefined {
  const { startToCloseMs, scheduleToCloseMs, heartbeatMs } = times.timeouts;
  const candidates: Array<{ kind: TimeoutKind; atMs: number; timeoutMs: number }> = [];
  if (startToCloseMs !== undefined) candidates.push({ kind: 'startToClose', atMs: times.startedAtMs + startToCloseMs, timeoutMs: startToCloseMs });
  if (scheduleToCloseMs !== undefined) candidates.push({ kind: 'scheduleToClose', atMs: times.scheduledAtMs + scheduleToCloseMs, timeoutMs: scheduleToCloseMs });
  if (heartbeatMs !== undefined) candidates.push({ kind: 'heartbeat', atMs: lastBeatMs + heartbeatMs, timeoutMs: heartbeatMs });
  return candidates.sort((a, b) => a.atMs - b.atMs)[0];
}

/**
 * Enforces an attempt's timeouts inside the executor that runs it: start-to-close, schedule-to-close and the
 * heartbeat timeout (the attempt's code must call heartbeat() or progress() at least that often). A dead executor
 * process is a different failure: its work item is redelivered after the work queue's ack wait (WorkerLost).
 */
export class AttemptWatchdog {
  private lastBeatMs: number;
  private timer?: NodeJS.Timeout;
  private fired = false;

  constructor(
    private readonly times: WatchdogTimes,
    private readonly onTimeout: (kind: TimeoutKind, timeoutMs: number) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.lastBeatMs = times.startedAtMs;
    this.arm();
  }

  beat(): void {
    this.lastBeatMs = this.now();
    // Only the heartbeat deadline moves, and it is checked when the timer fires: no re-arming on every beat.
  }

  stop(): void {
    this.fired = true;
    clearTimeout(this.timer);
  }

  private arm(): void {
    const next = nextDeadline(this.times, this.lastBeatMs);
    if (!next || this.fired) return;
    this.timer = setTimeout(() => {
      const due = nextDeadline(this.times, this.lastBeatMs);
      if (due && due.atMs <= this.now()) {
        this.fired = true;
        this.onTimeout(due.kind, due.timeoutMs);
      } else {
        this.arm(); // a heartbeat moved the deadline, or it is further off than one timer reaches
      }
    }, Math.min(MAX_TIMER_DELAY_MS, Math.max(0, next.atMs - this.now()))); // a deadline further off: woken early, re-armed
  }
}
