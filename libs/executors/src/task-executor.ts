import type { z } from 'zod';
import type { DueReason } from '@sched/contracts';
import type { ExecutionControl, ItemProgressReport } from './execution-control';

/** What an executor sees of the execution it runs. */
export interface ExecutionInfo {
  readonly executionId: string;
  readonly taskId: string;
  readonly executor: string;
  readonly scheduledAt: string;
  /** Why it runs: its schedule fired, or someone triggered it. */
  readonly reason: DueReason;
  /** 1 for the first attempt, n for the n-th (after n-1 retries). */
  readonly attempt: number;
  /** Attempts the retry policy allows in total (1 = no retry). */
  readonly maxAttempts: number;
}

export interface ExecutorLogger {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

/** The context handed to `execute`: config, identity, cancellation and progress reporting. */
export interface ExecutionContext<Config = Record<string, unknown>> {
  readonly config: Config;
  readonly execution: ExecutionInfo;
  /** Aborted when the attempt is cancelled, times out or the worker shuts down: stop promptly when it fires. */
  readonly signal: AbortSignal;
  /** Records a TaskProgressed event (throttled by the runtime). A checkpoint: waits while paused (see `control`). */
  progress(percent: number, message?: string, data?: Record<string, unknown>): Promise<void>;
  /**
   * Progress in items (processed of total, the current one): recorded with the percent and an end time estimated
   * from the rate so far. A checkpoint, like `progress`.
   */
  progressItems(report: ItemProgressReport): Promise<void>;
  /** Pause / terminate requests, for code that wants to check them between progress reports. */
  readonly control: ExecutionControl;
  /** Tells the runtime the attempt is alive (long steps without progress should call it). */
  heartbeat(): void;
  readonly logger: ExecutorLogger;
}

/**
 * An executor type: the seed's TaskExecutor (`get_task_type`, `execute(config, execution)`, `update_progress`) as a
 * plain object. `execute` resolves with the result (stored in TaskSucceeded) or throws (TaskFailed).
 */
export interface TaskExecutor<Config = Record<string, unknown>> {
  readonly type: string;
  readonly description: string;
  /** Validates (and defaults) the task's config at create/update time and again before each run. */
  readonly configSchema: z.ZodType<Config>;
  execute(context: ExecutionContext<Config>): Promise<unknown>;
  /**
   * True when `execute`'s promise settles once what it started has stopped after its signal aborts (a command: its
   * process group gone). The runtime then records an aborted attempt (cancel, timeout, shutdown) only after that, so
   * a retry never runs alongside the work it replaces; otherwise an aborted attempt is recorded at once.
   */
  readonly settlesOnAbort?: boolean;
  /**
   * True when its code never reports progress, heartbeats nor reaches a checkpoint, where a pause takes hold: a pause
   * request could never be honoured, so sched.cmd.execution.pause refuses it (INVALID_STATE) rather than leave it
   * pending, and a heartbeat timeout is refused when the task is set (it would time out every longer attempt).
   */
  readonly neverPauses?: boolean;
  /**
   * True when running an attempt has no effect outside sched (noop, sleep, manual, example): its start may then be
   * held back and committed with its outcome, one commit for a short attempt (ARCHITECTURE.md's write budget), since
   * an attempt run again after a crash in that window changes nothing anywhere. Every other executor's start is
   * committed before its code runs: a process killed in the window ran an http POST or a command that the log never
   * showed, and its redelivery ran it again as the same attempt (a step without retry ran twice).
   */
  readonly effectFree?: boolean;
}

/**
 * Thrown by executors to control how a failure is recorded and whether it is retried. Executors loaded from other
 * packages may throw any Error with `type` and `retryable` properties instead: the runtime reads those by shape.
 */
export class ExecutorError extends Error {
  constructor(
    message: string,
    readonly type: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'ExecutorError';
  }
}
