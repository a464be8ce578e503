import type { ExecutionError, TaskDue } from '@sched/contracts';

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
      };
    }
  | {
      readonly type: 'CompleteAttempt';
      readonly data: { readonly attempt: number; readonly result?: unknown; readonly nowMs: number };
    }
  | {
      readonly type: 'FailAttempt';
      readonly data: { readonly attempt: number; readonly error: ExecutionError; readonly nowMs: number };
    };
