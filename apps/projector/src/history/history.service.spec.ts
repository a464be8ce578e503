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
