/**
 * Where a running execution stands with respect to pause and terminate requests:
 *  - running: go on;
 *  - pause-requested: someone asked to pause; the code will wait at its next checkpoint;
 *  - paused: the code waits at a checkpoint until resumed;
 *  - terminating: the attempt is being aborted (terminate/cancel, timeout, shutdown): stop promptly.
 */
export type ControlState = 'running' | 'pause-requested' | 'paused' | 'terminating';

/**
 * Cooperative control of a long executor. Every `progress()`/`progressItems()` call is a checkpoint: it waits there
 * while the execution is paused and rejects once it is terminated. Code with long stretches between progress reports
 * can call `checkpoint()` itself, or read `state` to wind down cleanly.
 */
export interface ExecutionControl {
  readonly state: ControlState;
  /** Resolves at once when running; waits while paused; rejects (Aborted) when the attempt is terminated. */
  checkpoint(): Promise<void>;
}

/** Progress counted in items; percent and the estimated end are derived by the runtime. */
export interface ItemProgressReport {
  readonly processed: number;
  readonly total: number;
  /** What is being worked on now (a file name, a row key, ...). */
  readonly current?: string;
  readonly message?: string;
}

/** For executors run outside the runtime (unit tests, scripts): always running, never paused. */
export const ALWAYS_RUNNING: ExecutionControl = {
  state: 'running',
  checkpoint: () => Promise.resolve(),
};
