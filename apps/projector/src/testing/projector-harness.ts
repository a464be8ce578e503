import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RecordedEvent } from '@sched/contracts';
import { MemoryEventStore } from '@sched/event-store';
import { ProjectorService, type ProjectorOptions } from '../projector.service';
import { ProjectorQueries } from '../queries/projector-queries.service';
import { ProjectorQueriesController } from '../queries/projector-queries.controller';
import { ReplyBudget } from '../queries/reply-budget';
import { ReadModelStore, type ReadModelDump } from '../store/read-model.store';
import { toEnvelope } from './event-factory';

/** A projector wired by hand over a MemoryEventStore and an SQLite database (in memory unless a file is given). */
export class ProjectorHarness {
  readonly eventStore = new MemoryEventStore();
  readonly store: ReadModelStore;
  readonly projector: ProjectorService;
  readonly controller: ProjectorQueriesController;
  /** Replies as a server with the default max_payload (1 MiB) allows. */
  readonly budget = new ReplyBudget();

  /** Set when the database is a file in a temp dir of its own, removed by `close`. */
  private tempDir?: string;

  constructor(options: Partial<ProjectorOptions> = {}, file = ':memory:') {
    this.store = ReadModelStore.open(file);
    this.projector = new ProjectorService(this.eventStore, this.store, { maxDelayMs: 2, retryDelayMs: 10, ...options });
    this.controller = new ProjectorQueriesController(new ProjectorQueries(this.store, this.projector, this.budget));
  }

  /** A harness over a database file (what a rebuild in a worker thread needs), in a temp dir that `close` removes. */
  static onFile(options: Partial<ProjectorOptions> = {}): ProjectorHarness {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'projector-'));
    const harness = new ProjectorHarness(options, path.join(dir, 'read-models.sqlite'));
    harness.tempDir = dir;
    return harness;
  }

  /** Appends the events, lets the projector follow them live and returns what it built. */
  async liveDump(events: readonly RecordedEvent[]): Promise<ReadModelDump> {
    await this.append(events);
    this.projector.start();
    await this.caughtUp();
    return this.store.dump();
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
    if (this.tempDir) fs.rmSync(this.tempDir, { recursive: true, force: true });
  }
}
