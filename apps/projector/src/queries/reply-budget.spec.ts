import type { NatsConnection } from '@nats-io/transport-node';
import { jsonBytes, scheduleStatuses, toExecutionStreamId, toWorkflowStreamId, type ExecutionLogLine, type Page } from '@sched/contracts';
import { definition, step } from '../../../../libs/domain/src/testing/workflow-fixtures';
import { EventFactory } from '../testing/event-factory';
import { ProjectorHarness } from '../testing/projector-harness';
import { fitTaskView } from './fit-views';
import { ProjectorQueries } from './projector-queries.service';
import { ReplyBudget, replyByteBudget } from './reply-budget';
import { WorkflowQueries } from './workflow-queries.service';

const MAX_PAYLOAD = 1024 * 1024;
const budgetOf = (maxPayload: number) => new ReplyBudget({ info: { max_payload: maxPayload } } as NatsConnection);
const big = (bytes: number, mark = 'x') => mark.repeat(bytes);

/** Every page from the first, each checked to fit a reply. */
async function allPages<T>(list: (cursor?: string) => Promise<Page<T>>, maxBytes: number): Promise<T[][]> {
  const pages: T[][] = [];
  let cursor: string | undefined;
  do {
    const page = await list(cursor);
    expect(jsonBytes(page)).toBeLessThanOrEqual(maxBytes);
    pages.push([...page.items]);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return pages;
}

describe('query replies fit one NATS message', () => {
  let h: ProjectorHarness;
  const log = new EventFactory();
  beforeAll(async () => {
    h = new ProjectorHarness();
    // 20 tasks of a 60 KB config each: 1.2 MB in one page of 100.
    for (let i = 0; i < 20; i++) log.tick().created(`big-${String(i).padStart(2, '0')}`, { name: `big ${i}`, config: { blob: big(60_000) } });
    // 3 executions of 450 KB results each.
    for (let i = 0; i < 3; i++) {
      log.tick().due('big-00', `big-00@${i}`);
      log.started(`big-00@${i}`);
      log.succeeded(`big-00@${i}`, { out: big(450_000) });
    }
    // A workflow run whose two parallel steps returned ~600 KB each.
    const run = toWorkflowStreamId('r1');
    const def = definition([step('a'), step('b')]);
    log.record(run, { type: 'WorkflowStarted', data: { runId: 'r1', taskId: 'big-01', definition: def, startedAt: new Date(log.clockMs).toISOString() } });
    for (const id of ['a', 'b']) {
      log.record(run, { type: 'StepScheduled', data: { stepId: id, executionId: `r1:${id}`, taskId: `big-01:${id}`, executor: 'noop', config: {} } });
      log.record(run, { type: 'StepSucceeded', data: { stepId: id, executionId: `r1:${id}`, result: { out: big(600_000, id) } } });
    }
    // An execution with a 740 KB result and two attempts of 60 KB logs each.
    const lines = (attempt: number): ExecutionLogLine[] =>
      Array.from({ length: 60 }, () => ({ at: new Date(log.clockMs).toISOString(), level: 'info', message: big(990, String(attempt)) }));
    log.tick().due('big-02', 'big-02@0');
    log.started('big-02@0');
    log.record(toExecutionStreamId('big-02@0'), {
      type: 'TaskFailed',
      data: { attempt: 1, error: { type: 'Error', message: 'boom', retryable: true }, durationMs: 5, endedAt: new Date(log.clockMs).toISOString(), final: false, logs: lines(1) },
    });
    log.retried('big-02@0', 2);
    log.started('big-02@0', 2);
    log.record(toExecutionStreamId('big-02@0'), {
      type: 'TaskSucceeded',
      data: { attempt: 2, result: { out: big(740_000) }, durationMs: 5, endedAt: new Date(log.clockMs).toISOString(), logs: lines(2) },
    });
    await h.append(log.events);
    h.projector.start();
    await h.caughtUp();
  });
  afterAll(() => h.close());

  const queries = (maxPayload = MAX_PAYLOAD) => new ProjectorQueries(h.store, h.projector, budgetOf(maxPayload));

  it('task.list: pages end at the byte budget; the cursor goes on after the last task returned, each task once', async () => {
    const maxBytes = replyByteBudget(MAX_PAYLOAD);
    const pages = await allPages((cursor) => queries().listTasks({ limit: 100, cursor }), maxBytes);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.flat().map((task) => task.taskId)).toEqual(Array.from({ length: 20 }, (_, i) => `big-${String(i).padStart(2, '0')}`));
    expect(pages.flat().every((task) => task.omitted === undefined)).toBe(true);
    // Filtered after SQL (schedule status), the same.
    const filtered = await allPages((cursor) => queries().listTasks({ limit: 100, cursor, status: [...scheduleStatuses] }), maxBytes);
    expect(filtered.flat()).toHaveLength(20);
  });

  it('execution.list: 450 KB results page one or so at a time, the global list included', async () => {
    const maxBytes = replyByteBudget(MAX_PAYLOAD);
    const ofTask = await allPages((cursor) => queries().listExecutions({ taskId: 'big-00', limit: 20, cursor }), maxBytes);
    expect(ofTask.flat().map((e) => e.executionId)).toEqual(['big-00@2', 'big-00@1', 'big-00@0']);
    const all = await allPages((cursor) => queries().listExecutions({ limit: 20, cursor }), maxBytes);
    expect(all.flat()).toHaveLength(4);
  });

  it('a list item alone over the budget comes with its big field cut, named in `omitted` with where to read it', async () => {
    const small = 200_000;
    const page = await queries(small).listExecutions({ taskId: 'big-00', limit: 20 });
    expect(jsonBytes(page)).toBeLessThanOrEqual(replyByteBudget(small));
    // Each one cut alone: then all three fit.
    expect(page.items.map((e) => e.result)).toEqual([undefined, undefined, undefined]);
    expect(page.items[0].omitted).toEqual([
      { field: 'result', bytes: jsonBytes({ out: big(450_000) }), readWith: { subject: 'sched.query.execution.get', payload: { executionId: 'big-00@2' } } },
    ]);
    // A task (64 KiB of config at most) fits any budget (64 KiB at least) but a tiny one: cut as a list would cut it.
    const task = fitTaskView(await queries().getTask({ taskId: 'big-00' }), 10_000);
    expect(task.config).toBeUndefined();
    expect(task).toMatchObject({ taskId: 'big-00', omitted: [expect.objectContaining({ field: 'config', readWith: { subject: 'sched.query.task.get', payload: { taskId: 'big-00' } } })] });
  });

  it('execution.get: over the budget, the oldest attempts lose their logs first, then the result', async () => {
    const view = await queries().getExecution({ executionId: 'big-02@0' });
    expect(jsonBytes(view)).toBeLessThanOrEqual(replyByteBudget(MAX_PAYLOAD));
    // 740 KB result + 2 × 63 KB logs: cutting the first attempt's logs is enough.
    expect(view.result).toEqual({ out: big(740_000) });
    expect(view.attempts?.[0].logs).toBeUndefined();
    expect(view.attempts?.[0].omitted).toEqual([expect.objectContaining({ field: 'logs', readWith: { subject: 'sched.query.history', payload: { executionId: 'big-02@0' } } })]);
    expect(view.attempts?.[1].logs).toHaveLength(60);
    const tight = await queries(500_000).getExecution({ executionId: 'big-02@0' });
    expect(tight.attempts?.every((attempt) => attempt.logs === undefined)).toBe(true);
    expect(tight.omitted).toEqual([expect.objectContaining({ field: 'result', readWith: { subject: 'sched.query.history', payload: { executionId: 'big-02@0', types: ['TaskSucceeded'] } } })]);
  });

  it('workflow.get: step results that do not fit are cut, each pointing at its step execution', async () => {
    const run = await new WorkflowQueries(h.store, h.projector, budgetOf(MAX_PAYLOAD)).getRun({ runId: 'r1' });
    expect(jsonBytes(run)).toBeLessThanOrEqual(replyByteBudget(MAX_PAYLOAD));
    const [a, b] = run.steps!;
    expect([a.result, b.result].filter((result) => result !== undefined)).toHaveLength(1);
    const cut = a.result === undefined ? a : b;
    expect(cut.omitted).toEqual([{ field: 'result', bytes: expect.any(Number), readWith: { subject: 'sched.query.execution.get', payload: { executionId: cut.executionId } } }]);
  });
});
