import type { DueReason } from '@sched/contracts';
import { AttemptLog } from '../attempt-log';
import type { ExecutionContext, TaskExecutor } from '../task-executor';
import type { ItemProgressReport } from '../execution-control';
import { TestControl } from './test-control';

export interface ExecutorRun<R> {
  readonly result: Promise<R>;
  readonly log: AttemptLog;
  readonly progress: Array<{ percent: number; message?: string }>;
  readonly controller: AbortController;
  readonly items: ItemProgressReport[];
  /** Pause and resume it by hand; abort `controller` to terminate. */
  readonly control: TestControl;
}

/** Runs an executor outside the runtime, with its config parsed as the runtime would, for unit tests. */
export function runExecutor<R = unknown>(
  executor: TaskExecutor<any>,
  rawConfig: unknown,
  options: { reason?: DueReason; attempt?: number } = {},
): ExecutorRun<R> {
  const log = new AttemptLog();
  const progress: Array<{ percent: number; message?: string }> = [];
  const controller = new AbortController();
  const items: ItemProgressReport[] = [];
  const control = new TestControl(controller.signal);
  const parsed = executor.configSchema.safeParse(rawConfig);
  if (!parsed.success) throw new Error(`invalid config: ${parsed.error.message}`);
  const context: ExecutionContext<unknown> = {
    config: parsed.data,
    execution: {
      executionId: 'e1',
      taskId: 't1',
      executor: executor.type,
      scheduledAt: new Date(0).toISOString(),
      reason: options.reason ?? 'schedule',
      attempt: options.attempt ?? 1,
      maxAttempts: 1,
    },
    signal: controller.signal,
    progress: async (percent, message) => {
      progress.push({ percent, message });
      await control.checkpoint();
    },
    progressItems: async (report) => {
      items.push(report);
      await control.checkpoint();
    },
    control,
    heartbeat: () => undefined,
    logger: log,
  };
  return { result: executor.execute(context) as Promise<R>, log, progress, controller, items, control };
}
