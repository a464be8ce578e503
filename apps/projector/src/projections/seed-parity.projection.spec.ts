import { toExecutionStreamId, toTaskStreamId } from '@sched/contracts';
import { ReadModelStore } from '../store/read-model.store';
import { EventFactory, T0, iso } from '../testing/event-factory';
import { projectionSpec } from '../testing/given-when-then';
import { MemoryRows } from '../testing/memory-rows';

const given = projectionSpec('t1', 'e1');

describe('read models: enable/disable, paused executions, item progress', () => {
  let log: EventFactory;
  beforeEach(() => (log = new EventFactory()));
  const task = (type: 'TaskDisabled' | 'TaskEnabled', reason?: string) =>
    log.record(toTaskStreamId('t1'), type === 'TaskDisabled' ? { type, data: { taskId: 't1', reason } } : { type, data: { taskId: 't1' } });
  const execution = (event: Parameters<EventFactory['record']>[1]) => log.record(toExecutionStreamId('e1'), event);
  const running = () => [log.created('t1'), log.tick().due('t1', 'e1', T0 + 1000), log.tick().started('e1')];

  it('TaskDisabled / TaskEnabled: the switch and its reason; enabling restarts the overdue clock', () => {
    const created = log.created('t1');
    given(created).when(task('TaskDisabled', 'flaky')).then({ task: { disabled: true, disableReason: 'flaky', state: 'active' } });
    const disabled = task('TaskDisabled');
    const enabled = log.tick(5000).record(toTaskStreamId('t1'), { type: 'TaskEnabled', data: { taskId: 't1' } });
    given(created, disabled).when(enabled).then({ task: { disabled: undefined, disableReason: undefined, activeSince: T0 + 5000 } });
  });

  it('ExecutionPaused: status paused, still counted as running; ExecutionResumed: running again', () => {
    const history = running();
    const requested = execution({ type: 'ExecutionPauseRequested', data: {} });
    given(...history).when(requested).then({ execution: { status: 'running' }, task: { counts: { running: 1 } } });
    const paused = execution({ type: 'ExecutionPaused', data: { attempt: 1 } });
    given(...history, requested).when(paused).then({ execution: { status: 'paused' }, task: { counts: { running: 1 }, lastExecution: { status: 'paused' } } });
    given(...history, requested, paused)
      .when(execution({ type: 'ExecutionResumed', data: {} }))
      .then({ execution: { status: 'running' }, task: { counts: { running: 1 } } });
  });

  it('a paused execution whose worker was lost is resumed with a new attempt: due, then running', () => {
    const history = [...running(), execution({ type: 'ExecutionPauseRequested', data: {} }), execution({ type: 'ExecutionPaused', data: { attempt: 1 } })];
    const lost = log.failed('e1', false);
    given(...history).when(lost).then({ execution: { status: 'paused' } });
    given(...history, lost)
      .when(execution({ type: 'ExecutionResumed', data: {} }), log.retried('e1', 2, T0 + 3000))
      .then({ execution: { status: 'due' }, task: { counts: { running: 0 } } });
  });

  it('item progress: counts, current item and the estimated end', () => {
    const history = running();
    const progressed = execution({
      type: 'TaskProgressed',
      data: { attempt: 1, percent: 40, processedItems: 4, totalItems: 10, currentItem: 'row 4', estimatedEndAt: iso(T0 + 9000) },
    });
    given(...history).when(progressed).then({
      execution: { progress: { percent: 40, processedItems: 4, totalItems: 10, currentItem: 'row 4', estimatedEndAt: iso(T0 + 9000) } },
    });
  });

  it('SQLite keeps every new field (and the definition policies) through a round trip', () => {
    const events = [
      log.created('t1', { retry: { maxAttempts: 4, backoff: 'fixed', initialIntervalMs: 60_000, multiplier: 1, maxIntervalMs: 60_000, jitter: 0, nonRetryableErrorTypes: [] } }),
      task('TaskDisabled', 'flaky'),
      log.tick().due('t1', 'e1', T0 + 1000),
      log.tick().started('e1'),
      execution({ type: 'TaskProgressed', data: { attempt: 1, percent: 50, processedItems: 1, totalItems: 2, estimatedEndAt: iso(T0 + 4000) } }),
      execution({ type: 'ExecutionPauseRequested', data: {} }),
      execution({ type: 'ExecutionPaused', data: { attempt: 1 } }),
    ];
    const store = ReadModelStore.open(':memory:');
    try {
      store.applyBatch(events);
      const expected = new MemoryRows().apply(...events);
      expect(store.task('t1')).toEqual(expected.task('t1'));
      expect(store.task('t1')).toMatchObject({ disabled: true, definition: { retry: { maxAttempts: 4 } } });
      expect(store.execution('e1')).toEqual(expected.execution('e1'));
      expect(store.execution('e1')).toMatchObject({ status: 'paused', progress: { processedItems: 1, totalItems: 2 } });
    } finally {
      store.close();
    }
  });
});
