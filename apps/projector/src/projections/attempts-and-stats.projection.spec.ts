import { EventFactory, T0 } from '../testing/event-factory';
import { MemoryRows } from '../testing/memory-rows';
import { LAST_OUTCOMES } from './task-stats.projection';

describe('attempts and task stats projections', () => {
  let log: EventFactory;
  beforeEach(() => (log = new EventFactory()));
  const attempts = (rows: MemoryRows) => [...rows.attempts.values()].map(({ attempt, status, workerId, durationMs, error }) => ({ attempt, status, workerId, durationMs, errorType: error?.type }));

  it('a retried execution has one row per attempt: failed, then succeeded; stats count the execution once', () => {
    const rows = new MemoryRows().apply(
      log.created('t1'),
      log.due('t1', 'e1', T0),
      log.tick().started('e1', 1, 'w1'),
      log.tick().failed('e1', false, 1),
      log.retried('e1', 2),
      log.tick().started('e1', 2, 'w2'),
      log.tick().succeeded('e1', null, 100, 2),
    );
    expect(attempts(rows)).toEqual([
      { attempt: 1, status: 'failed', workerId: 'w1', durationMs: 50, errorType: 'Error' },
      { attempt: 2, status: 'succeeded', workerId: 'w2', durationMs: 100, errorType: undefined },
    ]);
    expect(rows.stats('t1')).toMatchObject({
      finished: 1,
      succeeded: 1,
      failed: 0,
      timedAttempts: 2,
      durationSumMs: 150,
      lastOutcomes: [{ executionId: 'e1', status: 'succeeded', durationMs: 100 }],
    });
  });

  it('timeouts, cancellations and lost workers are attempt outcomes of their own', () => {
    const rows = new MemoryRows().apply(
      log.created('t1'),
      log.due('t1', 'e1'),
      log.started('e1', 1),
      log.tick(30_000).timedOut('e1', 1),
      log.failed('e1', true, 1),
      log.due('t1', 'e2'),
      log.started('e2', 1),
      log.tick(1500).cancelled('e2', 'user'),
    );
    // The failure recorded after the timeout says how long its attempt ran; a cancelled one ran until the cancel.
    expect(attempts(rows).map((a) => [a.status, a.durationMs])).toEqual([['timed_out', 50], ['cancelled', 1500]]);
    // Duration stats are over attempts that ran to an outcome: the cancelled one is not among them.
    expect(rows.stats('t1')).toMatchObject({ timedAttempts: 1, durationSumMs: 50 });
    expect(rows.stats('t1')).toMatchObject({ finished: 2, succeeded: 0, failed: 1, lastOutcomes: [{ executionId: 'e2', status: 'cancelled' }, { executionId: 'e1', status: 'failed' }] });
  });

  it('an attempt whose worker went away is lost, crashed (WorkerLost) or shut down (WorkerShutdown)', () => {
    const rows = new MemoryRows().apply(
      log.created('t1'),
      log.due('t1', 'e1'),
      log.started('e1', 1, 'w1'),
      log.failed('e1', false, 1, 'WorkerLost'),
      log.retried('e1', 2),
      log.started('e1', 2, 'w2'),
      log.failed('e1', false, 2, 'WorkerShutdown'),
      log.retried('e1', 3),
      log.started('e1', 3, 'w3'),
      log.failed('e1', false, 3),
    );
    expect(attempts(rows).map((a) => [a.errorType, a.status])).toEqual([['WorkerLost', 'lost'], ['WorkerShutdown', 'lost'], ['Error', 'failed']]);
  });

  it('keeps only the last outcomes, newest first; redelivery changes nothing', () => {
    const history = [log.created('t1')];
    for (let i = 0; i < LAST_OUTCOMES + 5; i++) {
      history.push(log.tick().due('t1', `e${i}`), log.started(`e${i}`), log.succeeded(`e${i}`, null, i));
    }
    const rows = new MemoryRows().apply(...history);
    const stats = rows.stats('t1')!;
    expect(stats.lastOutcomes).toHaveLength(LAST_OUTCOMES);
    expect(stats.lastOutcomes[0].executionId).toBe(`e${LAST_OUTCOMES + 4}`);
    expect(stats).toMatchObject({ finished: LAST_OUTCOMES + 5, timedAttempts: LAST_OUTCOMES + 5 });
    rows.apply(...history);
    expect(rows.stats('t1')).toEqual(stats);
  });
});
