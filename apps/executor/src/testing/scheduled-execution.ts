import { toExecutionStreamId, type TaskDue } from '@sched/contracts';
import { executionDecider } from '@sched/domain';
import { MemoryEventStore, toEnvelopes } from '@sched/event-store';

/** Metadata of the test's own appends. */
export const cause = { correlationId: 'c', causationId: 'c', actor: 'test', nowMs: 1000 };

/** Execution `e1` of task `t1`, triggered, as the specs of this app schedule it; `extra` overrides any field. */
export const dueOf = (extra: Partial<TaskDue['data']> = {}): TaskDue['data'] => ({
  taskId: 't1',
  executionId: 'e1',
  executor: 'noop',
  config: {},
  scheduledAt: new Date(1000).toISOString(),
  reason: 'trigger',
  taskRevision: 0,
  ...extra,
});

/** A store (a fresh MemoryEventStore by default) holding `due`'s execution as the timer leaves it: its TaskDue alone. */
export async function scheduled<S extends MemoryEventStore>(due: TaskDue['data'] = dueOf(), store: S = new MemoryEventStore() as S): Promise<S> {
  const events = executionDecider.decide({ type: 'ScheduleExecution', data: due }, executionDecider.initialState());
  await store.append(toExecutionStreamId(due.executionId), toEnvelopes(events, cause), { expected: 'no_stream' });
  return store;
}
