import { DEFINITION, EventFactory, T0 } from '../testing/event-factory';
import { projectionSpec } from '../testing/given-when-then';
import { ZERO_COUNTS } from './task.projection';

const given = projectionSpec('t1', 'none');

describe('tasks projection', () => {
  let log: EventFactory;
  beforeEach(() => (log = new EventFactory()));

  it('TaskCreated: an active task with its definition and zero counts', () => {
    const created = log.created('t1');
    given().when(created).then({
      task: {
        taskId: 't1',
        definition: DEFINITION,
        state: 'active',
        revision: 0,
        createdAt: T0,
        updatedAt: T0,
        schedulesSetAt: T0,
        counts: ZERO_COUNTS,
        lastExecution: undefined,
        position: created.position,
      },
    });
  });

  it('TaskCreated again for the same id changes nothing', () => {
    const created = log.created('t1');
    given(created).when(log.created('t1', { name: 'other' })).thenNothingHappened();
  });

  it('TaskUpdated: merges the changes into the definition, moves revision and updatedAt', () => {
    const created = log.created('t1');
    const updated = log.tick().updated('t1', { name: 'renamed', tags: ['a', 'b'] });
    given(created)
      .when(updated)
      .then({
        task: {
          definition: { ...DEFINITION, name: 'renamed', tags: ['a', 'b'] },
          revision: 1,
          createdAt: T0,
          updatedAt: T0 + 1000,
          schedulesSetAt: T0, // the schedules were not touched: maxFires still counts from the create
          position: updated.position,
        },
      });
  });

  it('TaskUpdated with schedules: maxFires counts from then on', () => {
    const created = log.created('t1');
    const updated = log.tick().updated('t1', { schedules: [{ type: 'interval', everyMs: 1000, offsetMs: 0, maxFires: 3 }] });
    given(created).when(updated).then({ task: { schedulesSetAt: T0 + 1000 } });
  });

  it('TaskUpdated keeping a schedule: that one counts on from the create, the added one from the update', () => {
    const created = log.created('t1');
    const added = { type: 'interval' as const, everyMs: 1000, offsetMs: 0, maxFires: 3 };
    const updated = log.tick().updated('t1', { schedules: [added, ...DEFINITION.schedules] });
    given(created).when(updated).then({ task: { schedulesSetAt: [T0 + 1000, T0] } });
  });

  it('a task created disabled: maxFires counts from when it is first enabled', () => {
    const created = log.created('t1');
    const disabled = log.disabled('t1'); // enabled: false, in the creation's commit
    const enabled = log.tick().enabled('t1');
    given(created, disabled).when(enabled).then({ task: { schedulesSetAt: T0 + 1000, activeSince: T0 + 1000 } });
  });

  it('an event for a task never created leaves no row', () => {
    given().when(log.updated('t1', { name: 'x' }), log.paused('t1')).then({ task: null });
  });

  it('TaskPaused: paused with the note', () => {
    given(log.created('t1')).when(log.paused('t1', 'maintenance')).then({ task: { state: 'paused', pauseNote: 'maintenance' } });
  });

  it('TaskResumed: active again, the pause note gone', () => {
    given(log.created('t1'), log.paused('t1', 'maintenance'))
      .when(log.resumed('t1'))
      .then({ task: { state: 'active', pauseNote: undefined, revision: 2 } });
  });

  it('TaskDeleted: kept as a row in state deleted', () => {
    given(log.created('t1')).when(log.deleted('t1')).then({ task: { state: 'deleted', revision: 1 } });
  });

  it('TaskTriggered: only the revision moves (the execution shows up with its TaskDue)', () => {
    const created = log.created('t1');
    given(created)
      .when(log.triggered('t1', 'manual-1'))
      .then({ task: { state: 'active', revision: 1, definition: DEFINITION, counts: ZERO_COUNTS, lastExecution: undefined } });
  });

  it('a redelivered event (at or below the row position) changes nothing', () => {
    const created = log.created('t1');
    const paused = log.paused('t1');
    given(created, paused).when(paused, created).thenNothingHappened();
    given(created, paused, log.resumed('t1')).when(paused).thenNothingHappened();
  });
});
