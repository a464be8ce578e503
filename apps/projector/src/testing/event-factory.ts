import {
  toExecutionStreamId,
  toTaskStreamId,
  type EventEnvelope,
  type RecordedEvent,
  type SchedEvent,
  type TaskDefinition,
  type TaskEvent,
  type TaskUpdated,
} from '@sched/contracts';

export const T0 = Date.parse('2030-01-01T00:00:00.000Z');
export const iso = (ms: number): string => new Date(ms).toISOString();

export const DEFINITION: TaskDefinition = {
  name: 'nightly report',
  description: '',
  executor: 'noop',
  config: { size: 1 },
  schedules: [{ type: 'interval', everyMs: 60_000, offsetMs: 0 }],
  tags: ['reports'],
};

type Data<T extends SchedEvent['type']> = Extract<SchedEvent, { type: T }>['data'];

/**
 * Builds a scheduler's event log as the store would record it: per-stream revisions, increasing global positions
 * and an advancing clock (`tick`). The same events can be fed straight to a projection or appended to an EventStore.
 */
export class EventFactory {
  readonly events: RecordedEvent[] = [];
  clockMs = T0;
  private position = 0;
  private readonly revisions = new Map<string, number>();

  tick(ms = 1000): this {
    this.clockMs += ms;
    return this;
  }

  record<E extends SchedEvent>(streamId: string, event: E): RecordedEvent {
    const revision = (this.revisions.get(streamId) ?? -1) + 1;
    this.revisions.set(streamId, revision);
    const position = ++this.position;
    const metadata = { correlationId: 'c', causationId: 'c', occurredAt: iso(this.clockMs), schemaVersion: 1 };
    const recorded = { id: `ev-${position}`, ...event, metadata, streamId, revision, position };
    this.events.push(recorded);
    return recorded;
  }

  private task<E extends TaskEvent>(taskId: string, event: E): RecordedEvent {
    return this.record(toTaskStreamId(taskId), event);
  }

  private execution<T extends SchedEvent['type']>(executionId: string, type: T, data: Data<T>): RecordedEvent {
    return this.record(toExecutionStreamId(executionId), { type, data } as SchedEvent);
  }

  created = (taskId: string, definition: Partial<TaskDefinition> = {}) =>
    this.task(taskId, { type: 'TaskCreated', data: { taskId, definition: { ...DEFINITION, ...definition } } });
  updated = (taskId: string, changes: TaskUpdated['data']['changes']) =>
    this.task(taskId, { type: 'TaskUpdated', data: { taskId, changes } });
  paused = (taskId: string, note?: string) => this.task(taskId, { type: 'TaskPaused', data: { taskId, note } });
  resumed = (taskId: string) => this.task(taskId, { type: 'TaskResumed', data: { taskId } });
  deleted = (taskId: string) => this.task(taskId, { type: 'TaskDeleted', data: { taskId } });
  disabled = (taskId: string) => this.task(taskId, { type: 'TaskDisabled', data: { taskId } });
  enabled = (taskId: string) => this.task(taskId, { type: 'TaskEnabled', data: { taskId } });
  triggered = (taskId: string, executionId: string) =>
    this.task(taskId, { type: 'TaskTriggered', data: { taskId, executionId } });

  due = (taskId: string, executionId: string, scheduledAtMs = this.clockMs, reason: 'schedule' | 'trigger' = 'schedule') =>
    this.execution(executionId, 'TaskDue', {
      taskId,
      executionId,
      executor: 'noop',
      config: {},
      scheduledAt: iso(scheduledAtMs),
      reason,
      taskRevision: 0,
    });
  started = (executionId: string, attempt = 1, workerId = 'w1') =>
    this.execution(executionId, 'TaskStarted', { attempt, workerId, startedAt: iso(this.clockMs) });
  progressed = (executionId: string, percent: number, message?: string, attempt = 1) =>
    this.execution(executionId, 'TaskProgressed', { attempt, percent, message });
  succeeded = (executionId: string, result?: unknown, durationMs = 250, attempt = 1) =>
    this.execution(executionId, 'TaskSucceeded', { attempt, result, durationMs, endedAt: iso(this.clockMs) });
  failed = (executionId: string, final = true, attempt = 1, errorType = 'Error') =>
    this.execution(executionId, 'TaskFailed', {
      attempt,
      error: { type: errorType, message: 'boom', retryable: !final },
      durationMs: 50,
      endedAt: iso(this.clockMs),
      final,
    });
  retried = (executionId: string, attempt: number, retryAtMs = this.clockMs + 5000) =>
    this.execution(executionId, 'TaskRetried', { attempt, retryAt: iso(retryAtMs) });
  timedOut = (executionId: string, attempt = 1) =>
    this.execution(executionId, 'TaskTimedOut', { attempt, timeout: 'startToClose', timeoutMs: 30_000 });
  cancelRequested = (executionId: string) => this.execution(executionId, 'TaskCancelRequested', { reason: 'user' });
  cancelled = (executionId: string, reason?: string) => this.execution(executionId, 'TaskCancelled', { reason });
  skipped = (executionId: string, reason = 'overlap') => this.execution(executionId, 'TaskSkipped', { reason });
}

/** What an append takes: the envelope without the store-assigned stream revision and position. */
export const toEnvelope = ({ id, type, data, metadata }: RecordedEvent): EventEnvelope => ({ id, type, data, metadata });
