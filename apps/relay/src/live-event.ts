import { Subjects, parseStreamId, runIdOfStream, type RecordedEvent } from '@sched/contracts';

/** What subscribers of `sched.evt.*` receive: the recorded event plus its task id. */
export interface LiveEvent extends RecordedEvent {
  readonly taskId: string;
}

/** The streams the relay publishes live: a task's, an execution's, a workflow run's (`id` = task, execution or run id). */
export interface LiveStream {
  readonly kind: 'task' | 'execution' | 'workflow';
  readonly id: string;
}

export function liveStreamOf(streamId: string): LiveStream | undefined {
  const runId = runIdOfStream(streamId);
  if (runId !== undefined) return { kind: 'workflow', id: runId };
  const stream = parseStreamId(streamId);
  return stream && { kind: stream.category, id: stream.id };
}

export function liveSubject(event: RecordedEvent, taskId: string): string | undefined {
  const stream = liveStreamOf(event.streamId);
  switch (stream?.kind) {
    case undefined:
      return undefined;
    case 'task':
      return Subjects.evt.task(taskId, event.type);
    case 'execution':
      return Subjects.evt.execution(taskId, stream.id, event.type);
    case 'workflow':
      return Subjects.evt.workflow(taskId, stream.id, event.type);
  }
}
