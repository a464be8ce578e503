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
    if (state.status === 'none') return state;
    const ids = state.triggeredExecutionIds;
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) throw new TypeError('task snapshot without its trigger ids');
    return { ...state, triggeredExecutionIds: RecentIdSet.of(ids, TRIGGER_IDS_KEPT) };
  },
};
