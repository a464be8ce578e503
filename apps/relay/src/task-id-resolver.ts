import { parseStreamId, toExecutionStreamId, type RecordedEvent, type TaskDue } from '@sched/contracts';
import type { EventStore } from '@sched/event-store';

const MAX_ENTRIES = 100_000;

/**
 * Execution events after TaskDue do not carry their task id, but live subjects need it. TaskDue is always first
 * in its stream, so the relay remembers it; after a restart a miss costs one read of the stream's first event.
 */
export class TaskIdResolver {
  private readonly byExecution = new Map<string, string>();

  constructor(private readonly store: EventStore) {}

  async resolve(event: RecordedEvent): Promise<string | undefined> {
    const stream = parseStreamId(event.streamId);
    if (!stream) return undefined;
    if (stream.category === 'task') return stream.id;
    if (event.type === 'TaskDue') return this.remember(stream.id, (event.data as TaskDue['data']).taskId);
    const known = this.byExecution.get(stream.id);
    if (known) return known;
    const [first] = await this.store.read(toExecutionStreamId(stream.id));
    return first?.type === 'TaskDue' ? this.remember(stream.id, (first.data as TaskDue['data']).taskId) : undefined;
  }

  private remember(executionId: string, taskId: string): string {
    if (this.byExecution.size >= MAX_ENTRIES) {
      // Map iterates in insertion order: drop the oldest entry.
      this.byExecution.delete(this.byExecution.keys().next().value as string);
    }
    this.byExecution.set(executionId, taskId);
    return taskId;
  }
}
