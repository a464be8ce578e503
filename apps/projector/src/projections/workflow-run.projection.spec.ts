import { toWorkflowStreamId, type WorkflowDefinition } from '@sched/contracts';
import { ReadModelStore } from '../store/read-model.store';
import { EventFactory } from '../testing/event-factory';
import { MemoryRows } from '../testing/memory-rows';

const definition: WorkflowDefinition = {
  mode: 'parallel',
  onFailure: 'continue',
  maxParallel: 4,
  steps: [
    { id: 'a', executor: 'noop', config: {}, dependsOn: [], triggerRule: 'all_success' },
    { id: 'b', executor: 'noop', config: {}, dependsOn: ['a'], triggerRule: 'all_success' },
  ],
};

function runHistory(): EventFactory {
  const f = new EventFactory();
  const stream = toWorkflowStreamId('r1');
  f.record(stream, { type: 'WorkflowStarted', data: { runId: 'r1', taskId: 't1', definition, startedAt: new Date(f.clockMs).toISOString() } });
  f.record(stream, { type: 'StepScheduled', data: { stepId: 'a', executionId: 'r1:a', taskId: 't1:a', executor: 'noop', config: {} } });
  f.tick(2000).record(stream, { type: 'StepFailed', data: { stepId: 'a', executionId: 'r1:a', error: { type: 'Boom', message: 'x', retryable: false } } });
  f.record(stream, { type: 'StepSkipped', data: { stepId: 'b', reason: 'upstream_failed' } });
  f.record(stream, { type: 'WorkflowFailed', data: { durationMs: 2000, failedSteps: ['a'], stopped: false } });
  return f;
}

describe('workflow_runs projection', () => {
  it('follows a run and its steps to the end', () => {
    const f = runHistory();
    const row = new MemoryRows().apply(...f.events).workflowRun('r1');
    // startPosition stays at the run's first event: where its stream starts in the task's history.
    expect(row).toMatchObject({ runId: 'r1', taskId: 't1', status: 'failed', mode: 'parallel', durationMs: 2000, startPosition: 1, position: 5 });
    expect(row?.steps).toEqual([
      expect.objectContaining({ id: 'a', status: 'failed', executionId: 'r1:a', error: { type: 'Boom', message: 'x', retryable: false } }),
      expect.objectContaining({ id: 'b', status: 'skipped', skipReason: 'upstream_failed', dependsOn: ['a'] }),
    ]);
  });

  it('is the same whether the events come one batch at a time or all at once, and ignores redeliveries', () => {
    const f = runHistory();
    const oneByOne = new MemoryRows();
    for (const event of f.events) oneByOne.apply(event);
    oneByOne.apply(f.events[0], f.events[1], f.events[2]);
    expect(oneByOne.workflowRun('r1')).toEqual(new MemoryRows().apply(...f.events).workflowRun('r1'));
  });

  it('is written to and read back from SQLite unchanged', () => {
    const f = runHistory();
    const store = ReadModelStore.open(':memory:');
    store.applyBatch(f.events);
    expect(store.workflowRun('r1')).toEqual(new MemoryRows().apply(...f.events).workflowRun('r1'));
    expect(store.dump().workflowRuns).toHaveLength(1);
    store.close();
  });

  it('names the run a resume started in its place, in memory and in SQLite', () => {
    const f = runHistory();
    f.record(toWorkflowStreamId('r1'), { type: 'WorkflowResumed', data: { runId: 'r2' } });
    const store = ReadModelStore.open(':memory:');
    store.applyBatch(f.events);
    const inMemory = new MemoryRows().apply(...f.events).workflowRun('r1');
    expect(inMemory).toMatchObject({ status: 'failed', resumedAs: 'r2', position: 6 });
    expect(store.workflowRun('r1')).toEqual(inMemory);
    store.close();
  });
});
