import { Subjects, liveStreamOf, type RecordedEvent } from '@sched/contracts';

/** What subscribers of `sched.evt.*` receive: the recorded event plus its task id. */
export interface LiveEvent extends RecordedEvent {
  readonly taskId: string;
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
