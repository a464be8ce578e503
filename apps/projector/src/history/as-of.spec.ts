import { jsonBytes, type DomainEvent, type RecordedEvent, type TaskDefinition } from '@sched/contracts';
import { toEnvelopes } from '@sched/event-store';
import { replyByteBudget } from '../queries/reply-budget';
import { stateAsOf } from './as-of';

const definition: TaskDefinition = { name: 'n', description: '', executor: 'noop', config: {}, schedules: [], tags: [] };
const cause = { correlationId: 'c', causationId: 'c', actor: 'test', nowMs: Date.parse('2030-01-01T00:00:00Z') };

/** `events` as task t1's stream records them, at 2030-01-01T00:00:00Z. */
const recorded = (events: readonly DomainEvent[]): RecordedEvent[] =>
  toEnvelopes(events, cause).map((envelope, revision) => ({ ...envelope, streamId: 'task-t1', revision, position: revision + 1 }));
const created: DomainEvent = { type: 'TaskCreated', data: { taskId: 't1', definition } };

describe('stateAsOf', () => {
  it("gives a task's kept trigger ids as their count: 10,000 of 128 characters fit a reply (they made ~1.3 MB)", () => {
    const events: DomainEvent[] = [created];
    for (let i = 0; i < 10_000; i += 1) {
      events.push({ type: 'TaskTriggered', data: { taskId: 't1', executionId: `${String(i).padStart(5, '0')}${'x'.repeat(123)}` } });
    }
    const view = stateAsOf('task-t1', recorded(events), '2030-01-01T00:00:01Z');
    expect(view.revision).toBe(10_000);
    expect(view.state).toMatchObject({ status: 'active', triggeredExecutionIdCount: 10_000 });
    expect(view.state).not.toHaveProperty('triggeredExecutionIds');
    expect(jsonBytes(view)).toBeLessThan(replyByteBudget(1024 * 1024));
  });

  it('counts no trigger ids of a task never triggered, and shows a task that did not exist yet as none', () => {
    const events = recorded([created]);
    expect(stateAsOf('task-t1', events, '2030-01-01T00:00:00Z').state).toMatchObject({ status: 'active', triggeredExecutionIdCount: 0 });
    expect(stateAsOf('task-t1', events, '2029-12-31T23:59:59Z')).toMatchObject({ revision: -1, state: { status: 'none' } });
  });
});
