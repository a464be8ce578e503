import { historyQuerySchema, toWorkflowStreamId, type HistoryEntry, type RecordedEvent, type WorkflowDefinition } from '@sched/contracts';
import { EventFactory } from '../testing/event-factory';
import { ProjectorHarness } from '../testing/projector-harness';
import { HistoryService } from './history.service';

const definition: WorkflowDefinition = {
  mode: 'serial',
  onFailure: 'stop',
  maxParallel: 1,
  steps: [{ id: 'a', executor: 'noop', config: {}, dependsOn: [], triggerRule: 'all_success' }],
};

/** One run of workflow task `wf` as the services append it: its execution, its run stream, its step's execution. */
function run(f: EventFactory, runId: string): void {
  const stream = toWorkflowStreamId(runId);
  const stepExecution = `${runId}:a`;
  f.tick().due('wf', runId, f.clockMs, 'trigger');
  f.record(stream, { type: 'WorkflowStarted', data: { runId, taskId: 'wf', definition, startedAt: new Date(f.clockMs).toISOString() } });
  f.started(runId);
  f.record(stream, { type: 'StepScheduled', data: { stepId: 'a', executionId: stepExecution, taskId: 'wf:a', executor: 'noop', config: {} } });
  f.due('wf:a', stepExecution, f.clockMs, 'trigger');
  f.started(stepExecution);
  f.succeeded(stepExecution, 1);
  f.record(stream, { type: 'StepSucceeded', data: { stepId: 'a', executionId: stepExecution, result: 1 } });
  f.record(stream, { type: 'WorkflowSucceeded', data: { durationMs: 1, succeeded: ['a'], skipped: [] } });
  f.succeeded(runId);
}

describe('HistoryService: a workflow task', () => {
  let h: ProjectorHarness;
  let history: HistoryService;
  /** The task's events as the log holds them (the harness commits each event on its own, renumbering positions). */
  let expected: RecordedEvent[];

  beforeEach(async () => {
    h = new ProjectorHarness();
    history = new HistoryService(h.eventStore, h.store, h.projector);
    const f = new EventFactory();
    f.created('wf', { executor: 'workflow' });
    run(f, 'r1');
    f.created('other');
    f.due('other', 'o1');
    run(f, 'r2');
    await h.append(f.events);
    h.projector.start();
    await h.caughtUp();
    const ofTask = new Set(['task-wf', 'execution-r1', 'workflow-r1', 'execution-r2', 'workflow-r2']);
    expected = [];
    for await (const event of h.eventStore.readAll()) if (ofTask.has(event.streamId)) expected.push(event);
  });
  afterEach(() => h.close());

  const key = (event: HistoryEntry): string => `${event.streamId}#${event.revision}@${event.position}`;

  async function pages(limit: number, afterPosition?: number): Promise<HistoryEntry[]> {
    const events: HistoryEntry[] = [];
    for (let cursor: number | undefined = afterPosition; ; ) {
      const page = await history.page(historyQuerySchema.parse({ taskId: 'wf', afterPosition: cursor, limit }));
      events.push(...page.events);
      if (page.nextCursor === undefined) return events;
      cursor = page.nextCursor;
    }
  }

  it('includes its workflow run streams, in log order, but not the steps\' executions (they have a task of their own)', async () => {
    const events = await pages(500);
    expect(events.map(key)).toEqual(expected.map(key));
    expect(events.filter((event) => event.streamId === 'workflow-r1').map((event) => event.type)).toEqual([
      'WorkflowStarted',
      'StepScheduled',
      'StepSucceeded',
      'WorkflowSucceeded',
    ]);
  });

  it('pages through them, and after a cursor leaves out runs that ended before it', async () => {
    expect((await pages(3)).map(key)).toEqual(expected.map(key));
    const r2Due = expected.find((event) => event.streamId === 'execution-r2')!.position;
    const later = await pages(2, r2Due - 1);
    expect(later.map(key)).toEqual(expected.filter((event) => event.position >= r2Due).map(key));
    expect(later.some((event) => event.streamId.endsWith('r1'))).toBe(false);
  });

  async function pagesBackward(query: { taskId?: string; executionId?: string; types?: string[] }, limit: number, beforePosition?: number): Promise<HistoryEntry[]> {
    const events: HistoryEntry[] = [];
    for (let cursor: number | undefined = beforePosition; ; ) {
      const page = await history.page(historyQuerySchema.parse({ ...query, direction: 'backward', beforePosition: cursor, limit }));
      events.push(...page.events);
      if (page.nextCursor === undefined) return events;
      expect(page.events.length).toBeGreaterThan(0);
      cursor = page.nextCursor;
    }
  }

  it('pages backward from the latest event, whatever the page size, down to the task\'s creation', async () => {
    const latestFirst = [...expected].reverse().map(key);
    for (const limit of [1, 2, 3, 7, 500]) expect((await pagesBackward({ taskId: 'wf' }, limit)).map(key)).toEqual(latestFirst);
    const first = await history.page(historyQuerySchema.parse({ taskId: 'wf', direction: 'backward', limit: 2 }));
    expect(first.events.map(key)).toEqual(latestFirst.slice(0, 2));
    // Before a cursor: r2's run and everything after it are left out.
    const r2Due = expected.find((event) => event.streamId === 'execution-r2')!.position;
    expect((await pagesBackward({ taskId: 'wf' }, 2, r2Due)).map(key)).toEqual(latestFirst.filter((k) => Number(k.split('@')[1]) < r2Due));
  });

  it('pages one execution and the whole log backward too, with a type filter', async () => {
    const whole: RecordedEvent[] = [];
    for await (const event of h.eventStore.readAll()) whole.push(event);
    for (const limit of [1, 4, 1000]) expect((await pagesBackward({}, limit)).map(key)).toEqual([...whole].reverse().map(key));
    const started = whole.filter((event) => event.type === 'TaskStarted').reverse();
    expect((await pagesBackward({ types: ['TaskStarted'] }, 2)).map(key)).toEqual(started.map(key));
    const r1 = expected.filter((event) => event.streamId === 'execution-r1').reverse();
    expect((await pagesBackward({ executionId: 'r1' }, 1)).map(key)).toEqual(r1.map(key));
  });

  it('answers a page that ran out of time with what it found and where the next goes on, forward and backward', async () => {
    history.scanTimeMs = -1; // every check finds the time up
    const whole: RecordedEvent[] = [];
    for await (const event of h.eventStore.readAll()) whole.push(event);
    for (const direction of ['forward', 'backward'] as const) {
      const seen: string[] = [];
      let pages = 0;
      for (let cursor: number | undefined; ; pages++) {
        const page = await history.page(historyQuerySchema.parse({ direction, [direction === 'forward' ? 'afterPosition' : 'beforePosition']: cursor, types: ['WorkflowStarted', 'TaskCreated'], limit: 1000 }));
        seen.push(...page.events.map(key));
        if (page.nextCursor === undefined) break;
        cursor = page.nextCursor;
      }
      const expectedTypes = whole.filter((event) => ['WorkflowStarted', 'TaskCreated'].includes(event.type)).map(key);
      expect(seen).toEqual(direction === 'forward' ? expectedTypes : [...expectedTypes].reverse());
      // Forward, each page stops when its time is up; backward, a window is read whole (this log: one window).
      if (direction === 'forward') expect(pages).toBeGreaterThan(3);
    }
  });

  it('refuses a cursor of the other direction, and an unknown task backward as forward', async () => {
    expect(() => historyQuerySchema.parse({ afterPosition: 5, direction: 'backward' })).toThrow(/afterPosition pages forward/);
    expect(() => historyQuerySchema.parse({ beforePosition: 5 })).toThrow(/beforePosition pages backward/);
    await expect(history.page(historyQuerySchema.parse({ taskId: 'nope', direction: 'backward' }))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('names each entry\'s task, as live events do: the task asked for, or (the whole log) each stream\'s own', async () => {
    expect(new Set((await pages(500)).map((event) => event.taskId))).toEqual(new Set(['wf']));
    const whole = await history.page(historyQuerySchema.parse({ limit: 1000 }));
    const taskOf = new Map(whole.events.map((event) => [event.streamId, event.taskId]));
    expect(Object.fromEntries(taskOf)).toEqual({
      'task-wf': 'wf',
      'execution-r1': 'wf',
      'workflow-r1': 'wf',
      'execution-r1:a': 'wf:a', // a step's execution: its pseudo task, as the relay names it
      'task-other': 'other',
      'execution-o1': 'other',
      'execution-r2': 'wf',
      'workflow-r2': 'wf',
      'execution-r2:a': 'wf:a',
    });
  });

  it('audit verify walks the run streams too', async () => {
    const report = await history.verify({ taskId: 'wf' });
    expect(report).toMatchObject({ ok: true, streams: 5, events: expected.length });
  });
});

describe('HistoryService: a task with many executions under way at once (a backfill)', () => {
  let h: ProjectorHarness;
  let history: HistoryService;
  let expected: RecordedEvent[];
  const reads: string[] = [];

  beforeEach(async () => {
    h = new ProjectorHarness();
    const read = h.eventStore.read.bind(h.eventStore);
    h.eventStore.read = (streamId, options) => (reads.push(streamId), read(streamId, options));
    history = new HistoryService(h.eventStore, h.store, h.projector);
    const f = new EventFactory();
    f.created('bf');
    f.created('other');
    // 60 executions all due first (as a backfill records them), then each run, another task's between.
    for (let i = 0; i < 60; i++) f.due('bf', `bf@${i}`, f.clockMs, 'trigger');
    for (let i = 0; i < 60; i++) {
      f.started(`bf@${i}`);
      f.due('other', `other@${i}`);
      f.succeeded(`bf@${i}`, 1);
    }
    await h.append(f.events);
    h.projector.start();
    await h.caughtUp();
    expected = [];
    for await (const event of h.eventStore.readAll()) if (event.streamId === 'task-bf' || event.streamId.startsWith('execution-bf@')) expected.push(event);
    reads.length = 0;
  });
  afterEach(() => h.close());

  const key = (event: HistoryEntry): string => `${event.streamId}#${event.revision}@${event.position}`;

  it('pages from the log once many executions reach across the cursor, not each of them in full for every page', async () => {
    reads.length = 0;
    for (const direction of ['forward', 'backward'] as const) {
      const events: HistoryEntry[] = [];
      let pages = 0;
      for (let cursor: number | undefined; ; pages++) {
        const cursorField = direction === 'forward' ? 'afterPosition' : 'beforePosition';
        const page = await history.page(historyQuerySchema.parse({ taskId: 'bf', direction, [cursorField]: cursor, limit: 25 }));
        events.push(...page.events);
        if (page.nextCursor === undefined) break;
        cursor = page.nextCursor;
      }
      expect(events.map(key)).toEqual((direction === 'forward' ? expected : [...expected].reverse()).map(key));
      expect(pages).toBeGreaterThanOrEqual(7);
    }
    // The task's events are most of the log: it is read from the cursor. Reading every execution that ends after
    // the cursor, for each of the ~14 pages, was 400+ reads.
    expect(reads.filter((id) => id.startsWith('execution-'))).toEqual([]);
  });

  it('stops at the head it read first: a commit made while the page is read waits for the next page', async () => {
    const f = new EventFactory();
    const late = f.record('task-bf', { type: 'TaskTriggered', data: { taskId: 'bf', executionId: 'bf@late' } } as never);
    const headPosition = h.eventStore.headPosition.bind(h.eventStore);
    h.eventStore.headPosition = async () => {
      const head = await headPosition();
      await h.eventStore.append('task-bf', [{ id: late.id, type: late.type, data: late.data, metadata: late.metadata }], { expected: 'any' });
      return head;
    };
    const page = await history.page(historyQuerySchema.parse({ taskId: 'bf', limit: 5000 }));
    expect(page.events.every((event) => event.position <= page.head)).toBe(true);
    expect(page.events.map(key)).toEqual(expected.map(key));
  });
});

describe('HistoryService: a task whose events are few in a busy log', () => {
  it('reads its streams one by one (not the whole log), forward and backward, with the same pages', async () => {
    const h = new ProjectorHarness();
    const reads: string[] = [];
    const read = h.eventStore.read.bind(h.eventStore);
    h.eventStore.read = (streamId, options) => (reads.push(streamId), read(streamId, options));
    const history = new HistoryService(h.eventStore, h.store, h.projector);
    const f = new EventFactory();
    f.created('sparse');
    f.created('busy');
    for (let i = 0; i < 300; i++) {
      f.due('busy', `busy@${i}`);
      if (i % 100 === 50) f.due('sparse', `sparse@${i}`);
      f.succeeded(`busy@${i}`, 1);
    }
    for (let i = 50; i < 300; i += 100) f.succeeded(`sparse@${i}`, 1);
    await h.append(f.events);
    h.projector.start();
    await h.caughtUp();
    const expected: string[] = [];
    for await (const event of h.eventStore.readAll()) if (/^(task-sparse|execution-sparse@)/.test(event.streamId)) expected.push(`${event.streamId}@${event.position}`);
    for (const direction of ['forward', 'backward'] as const) {
      const seen: string[] = [];
      for (let cursor: number | undefined; ; ) {
        const page = await history.page(historyQuerySchema.parse({ taskId: 'sparse', direction, [direction === 'forward' ? 'afterPosition' : 'beforePosition']: cursor, limit: 2 }));
        seen.push(...page.events.map((event) => `${event.streamId}@${event.position}`));
        if (page.nextCursor === undefined) break;
        cursor = page.nextCursor;
      }
      expect(seen).toEqual(direction === 'forward' ? expected : [...expected].reverse());
    }
    expect(reads.filter((id) => id.startsWith('execution-sparse@')).length).toBeGreaterThan(0);
    h.close();
  });
});
