import { liveStreamOf, type LiveStream, type RecordedEvent } from '@sched/contracts';
import { LruCache, type EventStore } from '@sched/event-store';

/** Streams remembered (most recently used kept); a forgotten one costs one read when its next event comes. */
const MAX_ENTRIES = 100_000;

/** The event that always opens a stream of this kind and names its task (`data.taskId`): TaskDue, WorkflowStarted. */
const FIRST_EVENT: Record<Exclude<LiveStream['kind'], 'task'>, string> = { execution: 'TaskDue', workflow: 'WorkflowStarted' };

const taskIdOf = (event: RecordedEvent): string => (event.data as { taskId: string }).taskId;

/**
 * Execution and workflow run events after their stream's first do not carry their task id, but live subjects need
 * it. That first event (TaskDue, WorkflowStarted) always comes first, so the relay remembers it; after a restart a
 * miss costs one read of the stream. Keyed by stream id: a run's execution and its workflow stream share one id.
 */
export class TaskIdResolver {
  private readonly byStream = new LruCache<string, string>(MAX_ENTRIES);

  constructor(private readonly store: EventStore) {}

  async resolve(event: RecordedEvent): Promise<string | undefined> {
    const stream = liveStreamOf(event.streamId);
    if (!stream) return undefined;
    if (stream.kind === 'task') return stream.id;
    const firstType = FIRST_EVENT[stream.kind];
    if (event.type === firstType) return this.remember(event.streamId, taskIdOf(event));
    const known = this.byStream.get(event.streamId);
    if (known) return known;
    const [first] = await this.store.read(event.streamId);
    return first?.type === firstType ? this.remember(event.streamId, taskIdOf(first)) : undefined;
  }

  private remember(streamId: string, taskId: string): string {
    this.byStream.set(streamId, taskId);
    return taskId;
  }
}
