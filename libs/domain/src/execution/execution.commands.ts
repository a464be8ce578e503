import type { ExecutionError, ExecutionLogLine, TaskDue, TaskTimedOut } from '@sched/contracts';
import type { ItemCounts } from './progress-estimate';

/** Lines the attempt's code logged, kept on the event that ends the attempt. */
type WithLogs = { readonly logs?: readonly ExecutionLogLine[] };
/** `random` in [0, 1) spreads the retry delay (jitter); it defaults to 0.5, i.e. no jitter. */
type WithRandom = { readonly random?: number };

export type ExecutionCommand =
  | { readonly type: 'ScheduleExecution'; readonly data: TaskDue['data'] }
  | {
      readonly type: 'StartAttempt';
      readonly data: { readonly attempt: number; readonly workerId: string; readonly nowMs: number };
    }
  | {
      readonly type: 'ReportProgress';
      readonly data: {
        readonly attempt: number;
        readonly percent: number;
        readonly message?: string;
        readonly data?: Record<string, unknown>;
        /** Progress in items: recorded with an estimated end computed from the rate so far (needs nowMs). */
        readonly items?: ItemCounts;
        readonly nowMs?: number;
      };
    }
  | {
      readonly type: 'CompleteAttempt';
      readonly data: { readonly attempt: number; readonly result?: unknown; readonly nowMs: number } & WithLogs;
    }
  | {
      readonly type: 'FailAttempt';
      readonly data: { readonly attempt: number; readonly error: ExecutionError; readonly nowMs: number } & WithLogs &
        WithRandom;
    }
  | {
      /** A timeout expired: for `scheduleToClose` also allowed before the attempt started (it then never starts). */
      readonly type: 'TimeOutAttempt';
      readonly data: {
        readonly attempt: number;
        readonly timeout: TaskTimedOut['data']['timeout'];
        readonly timeoutMs: number;
        readonly nowMs: number;
      } & WithLogs &
        WithRandom;
    }
  | {
      readonly type: 'RequestCancel';
      readonly data: { readonly executionId: string; readonly reason?: string; readonly commandId?: string };
    }
  | {
      /** The task's overlap policy is `skip` and maxConcurrent executions of it already run. */
      readonly type: 'SkipExecution';
      readonly data: { readonly reason: string };
    }
  | {
      /** sched.cmd.execution.pause: the running attempt's code is asked to wait at its next checkpoint. */
      readonly type: 'RequestPause';
      readonly data: { readonly executionId: string; readonly reason?: string; readonly commandId?: string };
    }
  | {
      /** The runtime saw the pause request at a checkpoint: the attempt's code waits there now. */
      readonly type: 'MarkPaused';
      readonly data: { readonly attempt: number };
    }
  | {
      /** sched.cmd.execution.resume: goes on, or starts a new attempt (at nowMs) when the paused one has ended. */
      readonly type: 'RequestResume';
      readonly data: { readonly executionId: string; readonly commandId?: string; readonly nowMs: number };
    }
  | {
      /** The executor aborted the running attempt after TaskCancelRequested. */
      readonly type: 'CancelAttempt';
      readonly data: { readonly attempt: number } & WithLogs;
    };
