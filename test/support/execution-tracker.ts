import type { RecordedEvent } from '@sched/contracts';
import type { EventStore } from '@sched/event-store';
import { isExecutionEnd } from './executions';

/** Follows every execution event from the start of the log and keeps each execution's history in memory. */
export class ExecutionTracker {
  readonly histories = new Map<string, RecordedEvent[]>();
  private readonly subscription;
  private readonly following: Promise<void>;

  constructor(store: EventStore) {
    this.subscription = store.subscribeAll({ from: 'start', filter: { streamPrefixes: ['execution-'] } });
    this.following = (async () => {
      for await (const event of this.subscription) {
        const id = event.streamId.slice('execution-'.length);
        const history = this.histories.get(id) ?? [];
        history.push(event);
        this.histories.set(id, history);
      }
    })();
  }

  ended(): string[] {
    return [...this.histories].filter(([, events]) => events.some(isExecutionEnd)).map(([id]) => id);
  }

  count(predicate: (event: RecordedEvent) => boolean): number {
    let n = 0;
    for (const events of this.histories.values()) n += events.filter(predicate).length;
    return n;
  }

  async close(): Promise<void> {
    await this.subscription.close();
    await this.following;
  }
}
