import type { RecordedEvent } from '@sched/contracts';
import { MemoryEventStore } from '@sched/event-store';
import { ProjectorService, type ProjectorOptions } from '../projector.service';
import { ProjectorQueries } from '../queries/projector-queries.service';
import { ProjectorQueriesController } from '../queries/projector-queries.controller';
import { ReadModelStore } from '../store/read-model.store';
import { toEnvelope } from './event-factory';

/** A projector wired by hand over a MemoryEventStore and an SQLite database (in memory unless a file is given). */
export class ProjectorHarness {
  readonly eventStore = new MemoryEventStore();
  readonly store: ReadModelStore;
  readonly projector: ProjectorService;
  readonly controller: ProjectorQueriesController;

  constructor(options: Partial<ProjectorOptions> = {}, file = ':memory:') {
    this.store = ReadModelStore.open(file);
    this.projector = new ProjectorService(this.eventStore, this.store, { maxDelayMs: 2, retryDelayMs: 10, ...options });
    this.controller = new ProjectorQueriesController(new ProjectorQueries(this.store, this.projector));
  }

  /** Appends each event as its own commit, to its stream, as the command handlers would. */
  async append(events: readonly RecordedEvent[]): Promise<number> {
    let position = 0;
    for (const event of events) {
      ({ position } = await this.eventStore.append(event.streamId, [toEnvelope(event)], { expected: 'any' }));
    }
    return position;
  }

  async caughtUp(): Promise<void> {
    await this.projector.waitForPosition(await this.eventStore.headPosition(), 5000);
  }

  async close(): Promise<void> {
    await this.projector.stop();
    await this.eventStore.close();
    this.store.close();
  }
}
