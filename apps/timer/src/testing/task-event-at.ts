import type { RecordedEvent } from '@sched/contracts';

/** A task stream's event as the store hands it over: at `revision` (also its position), recorded at `atMs`. */
export const taskEventAt = (taskId: string, revision: number, type: string, data: unknown, atMs: number): RecordedEvent =>
  ({
    id: `e${revision}`,
    streamId: `task-${taskId}`,
    revision,
    position: revision,
    type,
    data,
    metadata: { correlationId: 'c', causationId: 'k', occurredAt: new Date(atMs).toISOString(), schemaVersion: 1 },
  }) as RecordedEvent;
