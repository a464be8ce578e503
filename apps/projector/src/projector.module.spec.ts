import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Global, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { Subjects } from '@sched/contracts';
import { EVENT_STORE, SCHED_CONFIG } from '@sched/messaging';
import { ProjectorModule } from './projector.module';
import { ProjectorService } from './projector.service';
import { ProjectorQueriesController } from './queries/projector-queries.controller';
import { ReadModelStore } from './store/read-model.store';
import { EventFactory, toEnvelope } from './testing/event-factory';
import { MemoryEventStore } from '@sched/event-store';

describe('ProjectorModule', () => {
  it('registers the four query subjects', () => {
    const patterns = ['getTask', 'listTasks', 'getExecution', 'listExecutions'].map((method) =>
      Reflect.getMetadata(PATTERN_METADATA, ProjectorQueriesController.prototype[method as 'getTask']),
    );
    const { taskGet, taskList, executionGet, executionList } = Subjects.query;
    expect(patterns).toEqual([[taskGet], [taskList], [executionGet], [executionList]]);
  });

  /** A root module as an app's: EVENT_STORE and SCHED_CONFIG (read models in `dir`) global, and the ProjectorModule. */
  function rootModule(eventStore: MemoryEventStore, dir: string) {
    @Global()
    @Module({
      providers: [
        { provide: EVENT_STORE, useValue: eventStore },
        { provide: SCHED_CONFIG, useValue: { sqlitePath: path.join(dir, 'read-models.sqlite') } },
      ],
      exports: [EVENT_STORE, SCHED_CONFIG],
    })
    class TestInfrastructure {}
    @Module({ imports: [TestInfrastructure, ProjectorModule] })
    class TestRoot {}
    return TestRoot;
  }

  it('boots with the root module’s EVENT_STORE and SCHED_CONFIG, projects, serves queries and shuts down cleanly', async () => {
    const eventStore = new MemoryEventStore();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'projector-module-'));
    try {
      const created = new EventFactory().created('t1');
      const { position } = await eventStore.append(created.streamId, [toEnvelope(created)], { expected: 'no_stream' });
      const app = await NestFactory.createApplicationContext(rootModule(eventStore, dir), { logger: false });
      const controller = app.get(ProjectorQueriesController);
      await expect(controller.getTask({ taskId: 't1', minPosition: position })).resolves.toMatchObject({ state: 'active' });
      const store = app.get(ReadModelStore);
      expect(app.get(ProjectorService).position()).toBe(position);
      await app.close();
      expect(store.db.open).toBe(false);
    } finally {
      await eventStore.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a second projector on the same read models is refused at its start, naming their directory; once the first is closed, it starts', async () => {
    const eventStore = new MemoryEventStore();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'projector-module-'));
    const started: INestApplicationContext[] = [];
    const start = async () => {
      const app = await NestFactory.createApplicationContext(rootModule(eventStore, dir), { logger: false, abortOnError: false });
      started.push(app);
      return app;
    };
    try {
      const first = await start();
      // Before: it started, and the two failed each other's batches with "database is locked" (bug hunt M, F5).
      await expect(start()).rejects.toThrow(`another projector uses the read models in ${dir} (${path.join(dir, 'read-models.sqlite.lock')} is locked)`);
      await first.close();
      await start();
    } finally {
      for (const app of started) await app.close();
      await eventStore.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
