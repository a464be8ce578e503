import { WORKFLOW_EXECUTOR, toExecutionStreamId, type RecordedEvent, type TaskDue } from '@sched/contracts';
import { LruCache, type EventStore } from '@sched/event-store';

/** What an execution is to the workflow service. */
export type ExecutionRole =
  | { readonly kind: 'run' }
  | { readonly kind: 'step'; readonly runId: string; readonly stepId: string }
  | { readonly kind: 'other' };

const OTHER: ExecutionRole = { kind: 'other' };
const MAX_ENTRIES = 100_000;

export function roleOf(due: TaskDue['data']): ExecutionRole {
  if (due.executor === WORKFLOW_EXECUTOR) return { kind: 'run' };
  if (due.workflowStep) return { kind: 'step', ...due.workflowStep };
  return OTHER;
}

/**
 * Which executions are workflow runs or steps. Later execution events carry only the execution id, so the roles
 * seen in TaskDue events are remembered; after a restart a miss costs one read of the stream. A step's id always
 * contains ':' (`<runId>:<stepId>`), so outcomes of other executions are classified without a read.
 */
export class RunDirectory {
  private readonly roles = new LruCache<string, ExecutionRole>(MAX_ENTRIES);

  constructor(private readonly store: EventStore) {}

  remember(due: TaskDue['data']): ExecutionRole {
    const role = roleOf(due);
    if (role.kind !== 'other') this.roles.set(due.executionId, role);
    return role;
  }

  /** The role of a step candidate: `undefined` ids without ':' are never steps. */
  async stepOf(executionId: string): Promise<Extract<ExecutionRole, { kind: 'step' }> | undefined> {
    if (!executionId.includes(':')) return undefined;
    const role = await this.roleOf(executionId);
    return role.kind === 'step' ? role : undefined;
  }

  async isRun(executionId: string): Promise<boolean> {
    return (await this.roleOf(executionId)).kind === 'run';
  }

  private async roleOf(executionId: string): Promise<ExecutionRole> {
    const known = this.roles.get(executionId);
    if (known) return known;
    const [first]: RecordedEvent[] = await this.store.read(toExecutionStreamId(executionId));
    const role = first?.type === 'TaskDue' ? roleOf(first.data as TaskDue['data']) : OTHER;
    this.roles.set(executionId, role);
    return role;
  }
}
