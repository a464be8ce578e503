import { EventFactory } from '../testing/event-factory';
import { MemoryRows } from '../testing/memory-rows';
import { mixedWorkload } from '../testing/workload';
import { project } from './projection';
import { taskProjection } from './task.projection';

describe('foldBatch', () => {
  it('gives the same rows whatever the batch boundaries', () => {
    const { events } = mixedWorkload();
    const oneBatch = new MemoryRows().apply(...events);
    const perEvent = new MemoryRows();
    for (const event of events) perEvent.apply(event);
    const inThrees = new MemoryRows();
    for (let i = 0; i < events.length; i += 3) inThrees.apply(...events.slice(i, i + 3));
    expect(perEvent.tasks).toEqual(oneBatch.tasks);
    expect(perEvent.executions).toEqual(oneBatch.executions);
    expect(inThrees.tasks).toEqual(oneBatch.tasks);
    expect(inThrees.executions).toEqual(oneBatch.executions);
    expect(oneBatch.executions.size).toBe(24);
  });

  it('ignores streams that are neither tasks nor executions', () => {
    const log = new EventFactory();
    const rows = new MemoryRows().apply(log.record('lease-timer', { type: 'TaskResumed', data: { taskId: 'x' } }));
    expect(rows.tasks.size + rows.executions.size).toBe(0);
  });

  it('project() skips events a projection does not handle and events at or below the row position', () => {
    const log = new EventFactory();
    const created = log.created('t1');
    const row = project(taskProjection, null, created);
    expect(project(taskProjection, row, created)).toBe(row);
    expect(project(taskProjection, row, log.due('t1', 'e1'))).toBe(row);
  });
});
