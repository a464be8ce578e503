import type { RecordedEvent } from '@sched/contracts';
import type { EventStore } from '@sched/event-store';
import { isExecutionEnd } from './executions';
import { waitFor } from './wait-for';

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

  /**
   * Waits until `count` executions have ended; a timeout says which have not and what each recorded last (with
   * when), to tell a stalled execution from a slow machine.
   */
  async waitForEnded(count: number, timeoutMs: number): Promise<void> {
    try {
      await waitFor(() => this.ended().length >= count, timeoutMs, `${count} ended executions`);
    } catch (error) {
      const open = [...this.histories].filter(([, events]) => !events.some(isExecutionEnd));
      const described = open.slice(0, 10).map(([id, events]) => `${id}: ${events.map((event) => `${event.type}@${event.metadata.occurredAt.slice(11, 23)}`).join(' ')}`);
      throw new Error(`${(error as Error).message} (${this.ended().length} ended, ${open.length} open; now ${new Date().toISOString().slice(11, 23)}):\n${described.join('\n')}`);
    }
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
