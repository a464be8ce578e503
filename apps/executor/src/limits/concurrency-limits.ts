import { concurrencyLimitOf, type TaskDue } from '@sched/contracts';
import { TypeLimits } from './type-limits';
import { slotOrderOf } from './overlap';
import type { TaskSlotLeases } from './task-slot-leases';

/** Permission to run one attempt; refresh it with the heartbeat and release it when the attempt ends. */
export interface RunPermit {
  refresh(): Promise<void>;
  release(): Promise<void>;
}

/**
 * Why no permit: the executor type's limit in this process, the task's maxConcurrent, or the slots could not be
 * read; and when to try again, when the slots say (a queued execution, by its place in the queue).
 */
export interface PermitRefusal {
  readonly refused: 'type-busy' | 'task-busy' | 'unavailable';
  readonly retryInMs?: number;
}

/**
 * The limits beyond the process's own slots (EXECUTOR_CONCURRENCY): per executor type in this process, and per task
 * across all processes (maxConcurrent, via KV leases). An item refused here stays due and comes back later.
 */
export class ConcurrencyLimits {
  constructor(
    private readonly types: TypeLimits,
    readonly taskSlots: TaskSlotLeases,
  ) {}

  async tryAcquire(due: TaskDue['data'], attempt = 1): Promise<RunPermit | PermitRefusal> {
    if (!this.types.tryTake(due.executor)) return { refused: 'type-busy' };
    const releaseType = (): void => this.types.release(due.executor);
    const max = concurrencyLimitOf(due);
    if (max === undefined) return { refresh: async () => undefined, release: async () => releaseType() };
    const lease = await this.taskSlots.tryAcquire(due.taskId, max, due.executionId, slotOrderOf(due, attempt)).catch(() => 'unavailable' as const);
    if (lease === 'unavailable' || !('release' in lease)) {
      releaseType();
      return lease === 'unavailable' ? { refused: 'unavailable' } : { refused: 'task-busy', ...lease };
    }
    return {
      refresh: () => lease.refresh().catch(() => undefined),
      release: async () => {
        releaseType();
        await lease.release().catch(() => undefined); // if it fails, the lease expires by itself
      },
    };
  }
}
