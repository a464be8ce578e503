import { taskDefinitionSchema } from '@sched/contracts';
import type { StateCodec } from '../decider';
import { RecentIdSet } from './recent-id-set';
import { TRIGGER_IDS_KEPT, type TaskState } from './task.state';

/**
 * A task's state as JSON and back, for snapshots of long task streams (a task triggered every second gains 86,400
 * events a day). Everything in it is JSON already but the trigger ids, written oldest first so the window keeps its
 * order. Bump `version` whenever evolveTask or TaskState changes: a snapshot of another version is not used.
 */
export const taskStateCodec: StateCodec<TaskState> = {
  name: 'task',
  version: 1,
  encode: (state) => (state.status === 'none' ? state : { ...state, triggeredExecutionIds: [...state.triggeredExecutionIds] }),
  decode: (encoded) => {
    const state = encoded as TaskState & { triggeredExecutionIds?: unknown };
    if (state?.status === 'none') return state;
    const ids = state?.triggeredExecutionIds;
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) throw new TypeError('task snapshot without its trigger ids');
    const problem = snapshotProblem(state);
    if (problem) throw new TypeError(`task snapshot ${problem}`);
    return { ...state, triggeredExecutionIds: RecentIdSet.of(ids, TRIGGER_IDS_KEPT) };
  },
};

/**
 * What makes a snapshot's state no task a fold could have made, or undefined. The snapshot bucket is writable by
 * every service but the executor, and a parseable state without its definition made every update of the task
 * INTERNAL (a TypeError in the command handler) and stayed in each gateway's memory until it restarted; a snapshot
 * refused here is not used (the stream is folded from its events).
 */
/** The optional fields of a known task's state, by the kind of value each holds. */
const OPTIONAL_FIELD_KINDS: Record<string, 'number' | 'boolean' | 'string'> = { pausedUntilMs: 'number', disabled: 'boolean', pauseNote: 'string', disableReason: 'string' };

function snapshotProblem(state: { readonly [key: string]: unknown }): string | undefined {
  if (!['active', 'paused', 'deleted'].includes(state.status as string)) return `has no known status (${String(state.status)})`;
  if (typeof state.taskId !== 'string') return 'has no task id';
  const definition = taskDefinitionSchema.safeParse(state.definition);
  if (!definition.success) return `holds no valid task definition (${definition.error.issues[0]?.path.join('.') || 'definition'})`;
  const wrongKind = Object.entries(OPTIONAL_FIELD_KINDS).find(([key, kind]) => state[key] !== undefined && typeof state[key] !== kind);
  return wrongKind && `has a ${wrongKind[0]} that is no ${wrongKind[1]}`;
}
