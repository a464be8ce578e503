import { concurrencyLimitOf, type ExecutionView, type TaskView } from '@sched/contracts';

/**
 * Why a due execution has not started, when its task is at its concurrency limit and its overlap policy makes it wait
 * (queue, buffer-one): the executors keep that queue in NATS KV, so this is read off the task's running count.
 */
export function slotWait(execution: ExecutionView, task: TaskView, nowMs: number): string | undefined {
  const limit = concurrencyLimitOf(task);
  const waits = (task.overlap ?? 'queue') === 'queue' || task.overlap === 'buffer-one';
  const dueNow = Date.parse(execution.scheduledAt) <= nowMs && (execution.retryAt === undefined || Date.parse(execution.retryAt) <= nowMs);
  if (execution.status !== 'due' || !dueNow || limit === undefined || !waits || task.counts.running < limit) return undefined;
  return `for a free slot: ${task.counts.running} of at most ${limit} running (overlap ${task.overlap ?? 'queue'})`;
}
