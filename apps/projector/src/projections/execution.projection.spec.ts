import { EventFactory, T0 } from '../testing/event-factory';
import { projectionSpec } from '../testing/given-when-then';

const given = projectionSpec('t1', 'e1');
const error = { type: 'Error', message: 'boom' };

describe('executions projection (and its task counts)', () => {
  let log: EventFactory;
  beforeEach(() => (log = new EventFactory()));
  const createdAndDue = () => [log.created('t1'), log.tick().due('t1', 'e1', T0 + 1000)];
  const running = () => [...createdAndDue(), log.tick().started('e1')];

  it('TaskDue: a due execution at attempt 0; the task counts it and makes it its last execution', () => {
    const [created, due] = createdAndDue();
    given(created)
      .when(due)
      .then({
        execution: { executionId: 'e1', taskId: 't1', status: 'due', reason: 'schedule', executor: 'noop' },
        task: {
          counts: { total: 1, succeeded: 0, failed: 0, running: 0 },
          lastExecution: { executionId: 'e1', status: 'due', scheduledAt: T0 + 1000, endedAt: undefined },
          position: due.position,
          updatedAt: T0, // execution outcomes are not changes of the task itself
        },
      });
  });

  it('TaskDue for a task the read model does not know still records the execution', () => {
    given().when(log.due('t1', 'e1')).then({ execution: { status: 'due', attempt: 0 }, task: null });
  });

  it('TaskStarted: running with attempt, worker and start time; the task counts it running', () => {
    given(...createdAndDue())
      .when(log.tick().started('e1', 1, 'w7'))
      .then({
        execution: { status: 'running', attempt: 1, workerId: 'w7', startedAt: T0 + 2000 },
        task: { counts: { total: 1, succeeded: 0, failed: 0, running: 1 }, lastExecution: { executionId: 'e1', status: 'running' } },
      });
  });

  it('TaskProgressed: percent and message of the running attempt', () => {
    given(...running())
      .when(log.progressed('e1', 40, 'reading'))
      .then({ execution: { status: 'running', progress: { percent: 40, message: 'reading' } } });
  });

  it('TaskProgressed of an older attempt does not overwrite the current progress', () => {
    given(...running(), log.progressed('e1', 40))
      .when(log.progressed('e1', 90, 'late', 0))
      .then({ execution: { progress: { percent: 40, message: undefined } } });
  });

  it('TaskSucceeded: succeeded with result, duration and end; counts move from running to succeeded', () => {
    given(...running())
      .when(log.tick().succeeded('e1', { rows: 3 }, 1000))
      .then({
        execution: { status: 'succeeded', result: { rows: 3 }, durationMs: 1000, endedAt: T0 + 3000 },
        task: {
          counts: { total: 1, succeeded: 1, failed: 0, running: 0 },
          lastExecution: { executionId: 'e1', status: 'succeeded', scheduledAt: T0 + 1000, endedAt: T0 + 3000 },
        },
      });
  });

  it('TaskFailed (final): failed with the error; counted as failed', () => {
    given(...running())
      .when(log.tick().failed('e1', true))
      .then({
        execution: { status: 'failed', error: { ...error, retryable: false }, durationMs: 50, endedAt: T0 + 3000 },
        task: { counts: { total: 1, succeeded: 0, failed: 1, running: 0 } },
      });
  });

  it('TaskFailed (not final): the error is recorded, the status waits for TaskRetried', () => {
    given(...running())
      .when(log.failed('e1', false))
      .then({ execution: { status: 'running', error: { ...error, retryable: true } }, task: { counts: { total: 1, succeeded: 0, failed: 0, running: 1 } } });
  });

  it('TaskRetried: due again without a worker, and when the next attempt is due; no longer counted running', () => {
    given(...running(), log.failed('e1', false))
      .when(log.retried('e1', 2, T0 + 60_000))
      .then({
        execution: { status: 'due', attempt: 1, workerId: undefined, retryAt: T0 + 60_000 },
        task: { counts: { total: 1, succeeded: 0, failed: 0, running: 0 } },
      });
  });

  it('TaskStarted of the next attempt starts clean (no stale progress, end or retry time)', () => {
    given(...running(), log.progressed('e1', 70), log.failed('e1', false), log.retried('e1', 2))
      .when(log.tick().started('e1', 2, 'w2'))
      .then({
        execution: { status: 'running', attempt: 2, workerId: 'w2', progress: undefined, endedAt: undefined, durationMs: undefined, retryAt: undefined },
      });
  });

  it('TaskCancelled while it waited to be retried: no next attempt any more', () => {
    given(...running(), log.failed('e1', false), log.retried('e1', 2))
      .when(log.tick(60_000).cancelled('e1', 'user'))
      .then({ execution: { status: 'cancelled', retryAt: undefined, durationMs: 50 } }); // the failed attempt's
  });

  it('waiting to be retried, it is due and not ended (the failed attempt keeps its end on its attempt row)', () => {
    given(...running(), log.failed('e1', false))
      .when(log.retried('e1', 2))
      .then({ execution: { status: 'due', endedAt: undefined } });
  });

  it('TaskSucceeded after a failed attempt: the earlier error no longer describes the execution', () => {
    given(...running(), log.failed('e1', false), log.retried('e1', 2), log.tick().started('e1', 2, 'w2'))
      .when(log.tick().succeeded('e1', { rows: 3 }, 1000, 2))
      .then({ execution: { status: 'succeeded', attempt: 2, error: undefined, result: { rows: 3 } } });
  });

  it('TaskTimedOut: records a Timeout error', () => {
    given(...running())
      .when(log.timedOut('e1'))
      .then({ execution: { status: 'running', error: { type: 'Timeout', message: 'startToClose timeout of 30000ms exceeded', retryable: true } } });
  });

  it('TaskCancelRequested: the status stays until TaskCancelled', () => {
    const history = running();
    const request = log.cancelRequested('e1');
    given(...history).when(request).then({ execution: { status: 'running', position: request.position } });
  });

  it('TaskCancelled: cancelled with its reason and end; no longer running', () => {
    given(...running())
      .when(log.tick().cancelled('e1', 'user asked'))
      .then({
        execution: { status: 'cancelled', note: 'user asked', endedAt: T0 + 3000, durationMs: 1000 },
        task: { counts: { total: 1, succeeded: 0, failed: 0, running: 0 }, lastExecution: { status: 'cancelled' } },
      });
  });

  it('TaskSkipped: skipped with the reason', () => {
    given(...createdAndDue()).when(log.skipped('e1', 'overlap')).then({ execution: { status: 'skipped', note: 'overlap' } });
  });

  it('events of an execution never made due leave no row', () => {
    given(log.created('t1')).when(log.started('e1'), log.succeeded('e1')).thenNothingHappened();
  });

  it('a redelivered execution event changes neither the execution nor its task', () => {
    const history = [...running(), log.succeeded('e1')];
    given(...history).when(...history).thenNothingHappened();
  });

  it('a redelivered older event alone does not move the execution back (TaskStarted after TaskSucceeded)', () => {
    const history = running();
    given(...history, log.succeeded('e1')).when(history[2]).thenNothingHappened();
  });

  it('the last execution is the newest occurrence: a backfilled older one does not replace it', () => {
    const { rows } = given(log.created('t1'), log.due('t1', 'e2', T0 + 5000))
      .when(log.due('t1', 'e1', T0 + 1000), log.started('e1'), log.due('t1', 'e3', T0 + 9000), log.started('e2'));
    expect(rows.task('t1')).toMatchObject({
      counts: { total: 3, running: 2 },
      lastExecution: { executionId: 'e3', status: 'due', scheduledAt: T0 + 9000 },
    });
  });
});
