import { Subjects, parseStreamId, type RecordedEvent } from '@sched/contracts';

/** What subscribers of `sched.evt.*` receive: the recorded event plus its task id. */
export interface LiveEvent extends RecordedEvent {
  readonly taskId: string;
}

export function liveSubject(event: RecordedEvent, taskId: string): string | undefined {
  const stream = parseStreamId(event.streamId);
  if (!stream) return undefined;
  return stream.category === 'task'
    ? Subjects.evt.task(taskId, event.type)
    : Subjects.evt.execution(taskId, stream.id, event.type);
}
