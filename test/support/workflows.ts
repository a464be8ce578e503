import { toWorkflowStreamId, type RecordedEvent, type WorkflowEvent } from '@sched/contracts';
import type { EventStore } from '@sched/event-store';
import { createTask } from './executions';
import { waitFor, type TestSystem } from './system';

let created = 0;
/** A workflow task with a unique name (task names are unique). */
export const createWorkflow = (system: TestSystem, config: Record<string, unknown>): Promise<string> =>
  createTask(system, { name: `workflow ${process.pid}-${++created}`, executor: 'workflow', config });

const RUN_ENDS = ['WorkflowSucceeded', 'WorkflowFailed', 'WorkflowCancelled'];

export const runEvents = (store: EventStore, runId: string): Promise<RecordedEvent[]> => store.read(toWorkflowStreamId(runId));

/** Waits until the run's stream satisfies `done`, and returns it. */
export function waitForRun(store: EventStore, runId: string, done: (events: RecordedEvent[]) => boolean, timeoutMs: number, what: string): Promise<RecordedEvent[]> {
  return waitFor(async () => {
    const events = await runEvents(store, runId);
    return done(events) ? events : undefined;
  }, timeoutMs, `run ${runId}: ${what}`);
}

export const waitForRunEnd = (store: EventStore, runId: string, timeoutMs = 20_000): Promise<RecordedEvent[]> =>
  waitForRun(store, runId, (events) => events.some((event) => RUN_ENDS.includes(event.type)), timeoutMs, 'its end');

/** `type` or `type:stepId` per event, to compare a run's history at a glance. */
export const runSteps = (events: readonly RecordedEvent[]): string[] =>
  events.map((event) => {
    const stepId = (event.data as { stepId?: string }).stepId;
    return stepId ? `${event.type}:${stepId}` : event.type;
  });

type DataOf<T extends WorkflowEvent['type']> = Extract<WorkflowEvent, { type: T }>['data'];
export function dataOf<T extends WorkflowEvent['type']>(events: readonly RecordedEvent[], type: T): DataOf<T>[] {
  return events.filter((event) => event.type === type).map((event) => event.data as DataOf<T>);
}

/** A `command` step running a shell snippet (the command executor takes argv, no shell of its own). */
export const shell = (script: string) => ({ executor: 'command', config: { argv: ['sh', '-c', script] } });
