import type { RecordedEvent } from '@sched/contracts';

interface Entry {
  readonly event: RecordedEvent;
  settled: boolean;
  /** Never rejects: a rejection is recorded as the window's failure instead. */
  readonly done: Promise<void>;
}

/**
 * The events of a checkpointed subscription whose handler left work pending, oldest first. An event completes only
 * once it and every event before it have settled, so the checkpoint never passes unfinished work; after the first
 * rejection nothing completes past the failed event (the subscription then redelivers from there).
 */
export class PendingWindow {
  private readonly entries: Entry[] = [];
  failure?: { readonly error: unknown; readonly event: RecordedEvent };

  constructor(private readonly onCompleted: (event: RecordedEvent) => void) {}

  add(event: RecordedEvent, pending?: Promise<unknown>): void {
    if (pending === undefined && this.entries.length === 0) return this.onCompleted(event);
    const entry: Entry = {
      event,
      settled: pending === undefined,
      done: (pending ?? Promise.resolve()).then(
        () => {
          entry.settled = true;
          this.drain();
        },
        (error: unknown) => void (this.failure ??= { error, event }),
      ),
    };
    this.entries.push(entry);
  }

  /** Nothing pending: every event added has completed. */
  get idle(): boolean {
    return this.entries.length === 0;
  }

  /** Waits until fewer than `max` events are pending, or one failed. */
  async waitBelow(max: number): Promise<void> {
    while (this.entries.length >= max && !this.failure) await this.entries[0].done;
  }

  /** Waits for everything pending to settle (what completes moves the checkpoint before a close or a redelivery). */
  async settle(): Promise<void> {
    await Promise.all(this.entries.map((entry) => entry.done));
  }

  private drain(): void {
    while (this.entries.length > 0 && this.entries[0].settled && !this.failure) this.onCompleted(this.entries.shift()!.event);
  }
}
