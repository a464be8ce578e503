import { DEFINITION, EventFactory, T0 } from './event-factory';

export interface WorkloadShape {
  readonly tasks: number;
  readonly executionsPerTask: number;
}

/**
 * A mixed workload, deterministic for a given shape: tasks on two executors with tags; executions that succeed,
 * fail finally, fail once then succeed on a retry, stay running with progress, or get cancelled or skipped; one
 * task paused, one deleted, one given a second schedule. Executions of all tasks interleave, as they would in the log.
 */
export function mixedWorkload(shape: WorkloadShape = { tasks: 4, executionsPerTask: 6 }, log = new EventFactory()): EventFactory {
  const taskIds = Array.from({ length: shape.tasks }, (_, t) => `task-${String(t).padStart(3, '0')}`);
  taskIds.forEach((taskId, t) =>
    log.tick(10).created(taskId, { executor: t % 2 ? 'sleep' : 'noop', tags: t % 3 === 0 ? ['nightly', 'reports'] : ['adhoc'] }),
  );
  for (let i = 0; i < shape.executionsPerTask; i++) {
    const scheduledAt = T0 + (i + 1) * 60_000;
    taskIds.forEach((taskId, t) => runExecution(log.tick(), taskId, `${taskId}@${scheduledAt}`, scheduledAt, i + t));
  }
  // A schedule added beside the one kept: per-schedule set instants, stored as their own column.
  if (taskIds.length > 3) log.tick().updated(taskIds[3], { schedules: [...DEFINITION.schedules, { type: 'interval', everyMs: 5_000, offsetMs: 0, maxFires: 2 }] });
  if (taskIds.length > 1) log.paused(taskIds[1], 'maintenance');
  if (taskIds.length > 3) log.disabled(taskIds[3]); // not at creation: its schedules keep their instants
  if (taskIds.length > 2) log.deleted(taskIds[2]);
  return log;
}

function runExecution(log: EventFactory, taskId: string, id: string, scheduledAt: number, variant: number): void {
  log.due(taskId, id, scheduledAt);
  if (variant % 7 === 6) {
    log.skipped(id, 'overlap');
    return;
  }
  log.tick(5).started(id, 1, `worker-${variant % 3}`);
  log.progressed(id, 50, 'half way');
  switch (variant % 7) {
    case 0:
    case 1:
      log.tick(20).succeeded(id, { n: variant }, 25);
      return;
    case 2:
      log.tick(20).failed(id, true);
      return;
    case 3:
      log.tick(20).failed(id, false);
      log.retried(id, 2);
      log.tick(100).started(id, 2, 'worker-9');
      log.tick(20).succeeded(id, null, 20, 2);
      return;
    case 4:
      log.cancelRequested(id);
      log.cancelled(id, 'user');
      return;
    default:
      log.progressed(id, 80); // still running
  }
}
