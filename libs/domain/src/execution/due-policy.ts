import type { TaskDefinition, TaskDue } from '@sched/contracts';

export type DueExecutionPolicy = Pick<TaskDue['data'], 'retry' | 'timeouts' | 'maxConcurrent' | 'overlap' | 'notify' | 'pauseOnFailure'>;

/**
 * The part of a task definition that TaskDue snapshots, so the executor decides retries, timeouts and limits from
 * the execution stream alone. Absent fields stay absent (not `undefined`): the stored JSON stays minimal.
 */
export function dueExecutionPolicy(definition: TaskDefinition): DueExecutionPolicy {
  return {
    ...(definition.retry ? { retry: definition.retry } : {}),
    ...(definition.timeouts ? { timeouts: definition.timeouts } : {}),
    ...(definition.maxConcurrent ? { maxConcurrent: definition.maxConcurrent } : {}),
    ...(definition.overlap ? { overlap: definition.overlap } : {}),
    ...(definition.notify ? { notify: definition.notify } : {}),
    ...(definition.pauseOnFailure ? { pauseOnFailure: true } : {}),
  };
}
