import { ErrorCode, SchedError, issueMessage } from '@sched/contracts';
import type { TaskExecutor } from './task-executor';

/** The executor types a process knows. The gateway validates tasks against it; executors run from it. */
export class ExecutorRegistry {
  private readonly executors = new Map<string, TaskExecutor<unknown>>();

  constructor(executors: readonly TaskExecutor<any>[] = []) {
    for (const executor of executors) this.register(executor);
  }

  register(executor: TaskExecutor<any>): this {
    if (this.executors.has(executor.type)) throw new Error(`executor type ${executor.type} is registered twice`);
    this.executors.set(executor.type, executor);
    return this;
  }

  types(): string[] {
    return [...this.executors.keys()].sort();
  }

  get(type: string): TaskExecutor<unknown> | undefined {
    return this.executors.get(type);
  }

  /**
   * Why a heartbeat timeout cannot hold for this executor type, or undefined: a type that never heartbeats (command,
   * http, noop: `neverPauses`) would time out every attempt that runs longer than it, however healthy.
   */
  heartbeatIssue(type: string, timeouts: { readonly heartbeatMs?: number } | undefined): string | undefined {
    if (timeouts?.heartbeatMs === undefined || !this.executors.get(type)?.neverPauses) return undefined;
    return `a ${type} execution never heartbeats, so every attempt longer than it would time out: use startToClose to bound an attempt`;
  }

  /** VALIDATION naming `timeouts.heartbeat` when heartbeatIssue finds one. */
  assertHeartbeatFits(type: string, timeouts: { readonly heartbeatMs?: number } | undefined): void {
    const message = this.heartbeatIssue(type, timeouts);
    if (message) throw new SchedError(ErrorCode.VALIDATION, `timeouts.heartbeat: ${message}`, { issues: [{ path: 'timeouts.heartbeat', message }] });
  }

  /** VALIDATION error naming the known types when the type is unknown, or the config's issues when it is invalid. */
  validate(type: string, config: unknown): unknown {
    const executor = this.executors.get(type);
    if (!executor) {
      throw new SchedError(ErrorCode.VALIDATION, `unknown executor "${type}"; known executors: ${this.types().join(', ')}`, {
        issues: [{ path: 'executor', message: `unknown executor "${type}"` }],
        knownExecutors: this.types(),
      });
    }
    const parsed = executor.configSchema.safeParse(config);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({
        path: ['config', ...issue.path.map(String)].join('.'),
        message: issueMessage(executor.configSchema, config, issue),
      }));
      throw new SchedError(
        ErrorCode.VALIDATION,
        `invalid config for executor "${type}": ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        { issues },
      );
    }
    return parsed.data;
  }
}
