import { Subjects, toExecutionStreamId, type RecordedEvent, type TaskCommandResult, type TriggerTaskResult } from '@sched/contracts';
import type { EventStore } from '@sched/event-store';
import { waitFor, type TestSystem } from './system';

/** Event types after which an execution changes no more. */
export const isExecutionEnd = (event: RecordedEvent): boolean =>
  event.type === 'TaskSucceeded' ||
  event.type === 'TaskCancelled' ||
  event.type === 'TaskSkipped' ||
  (event.type === 'TaskFailed' && (event.data as { final: boolean }).final);

let tasksCreated = 0;

/** Task names are unique: each test task gets its own unless the definition names it. */
export async function createTask(system: TestSystem, definition: Record<string, unknown>): Promise<string> {
  const name = `test task ${process.pid}-${++tasksCreated}`;
  const created = await system.request<TaskCommandResult>(Subjects.cmd.taskCreate, { name, ...definition });
  if (!created.ok) throw new Error(`task.create failed: ${JSON.stringify(created.error)}`);
  return created.result.taskId;
}

export async function trigger(system: TestSystem, taskId: string): Promise<string> {
  const triggered = await system.request<TriggerTaskResult>(Subjects.cmd.taskTrigger, { taskId });
  if (!triggered.ok) throw new Error(`task.trigger failed: ${JSON.stringify(triggered.error)}`);
  return triggered.result.executionId;
}

export const historyOf = (store: EventStore, executionId: string): Promise<RecordedEvent[]> =>
  store.read(toExecutionStreamId(executionId));

/** Waits until the execution's stream satisfies `done`, and returns the stream. */
export function waitForHistory(
  store: EventStore,
  executionId: string,
  done: (events: RecordedEvent[]) => boolean,
  timeoutMs: number,
  what: string,
): Promise<RecordedEvent[]> {
  return waitFor(async () => {
    const events = await historyOf(store, executionId);
    return done(events) ? events : undefined;
  }, timeoutMs, `${executionId}: ${what}`);
}

export const waitForEnd = (store: EventStore, executionId: string, timeoutMs = 10_000): Promise<RecordedEvent[]> =>
  waitForHistory(store, executionId, (events) => events.some(isExecutionEnd), timeoutMs, 'its end');

export const typesOf = (events: readonly RecordedEvent[]): string[] => events.map((event) => event.type);
