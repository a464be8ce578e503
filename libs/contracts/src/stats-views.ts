/** `sched.query.stats` without a taskId: every task's executions together. */
export interface OverallStatsView {
  /** Tasks that exist (deleted ones excluded). */
  readonly tasks: number;
  /** Executions recorded (each TaskDue), of every task ever. */
  readonly total: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly cancelled: number;
  readonly skipped: number;
  /** Running (or paused mid-run) right now. */
  readonly running: number;
  /** succeeded / (succeeded + failed); undefined before the first of either. */
  readonly successRate?: number;
  /** Over attempts that ended with a duration. */
  readonly avgDurationMs?: number;
  /** Scheduled time of the newest execution of any task. */
  readonly latestExecutionAt?: string;
}
