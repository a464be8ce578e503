import { ErrorCode, SchedError, type TaskNameEvent } from '@sched/contracts';
import { assertNever, type Decider } from '../decider';

/** Who holds a name, folded from its reservation stream (`taskname-<hash>`). */
export interface TaskNameState {
  readonly holder?: string;
}

export type TaskNameCommand =
  | {
      readonly type: 'ClaimName';
      readonly data: {
        readonly name: string;
        readonly taskId: string;
        /**
         * Whether the current holder (another task) still holds the name: it exists, is not deleted and still has
         * that name, or its create is under way. Read by the caller from the holder's own stream; when false, the
         * reservation is stale (a delete or rename that did not release it, a create that crashed) and is taken over.
         */
        readonly holderStillHolds: boolean;
      };
    }
  | { readonly type: 'ReleaseName'; readonly data: { readonly name: string; readonly taskId: string } };

export function decideTaskName(command: TaskNameCommand, state: TaskNameState): TaskNameEvent[] {
  const { name, taskId } = command.data;
  switch (command.type) {
    case 'ClaimName':
      if (state.holder === taskId) return [];
      if (state.holder !== undefined && command.data.holderStillHolds) {
        throw new SchedError(ErrorCode.CONFLICT, `a task named "${name}" already exists`, { name, taskId: state.holder });
      }
      return [{ type: 'TaskNameClaimed', data: { name, taskId } }];
    case 'ReleaseName':
      return state.holder === taskId ? [{ type: 'TaskNameReleased', data: { name, taskId } }] : [];
    default:
      return assertNever(command);
  }
}

export function evolveTaskName(state: TaskNameState, event: TaskNameEvent): TaskNameState {
  switch (event.type) {
    case 'TaskNameClaimed':
      return { holder: event.data.taskId };
    case 'TaskNameReleased':
      return state.holder === event.data.taskId ? {} : state;
  }
}

export const taskNameDecider: Decider<TaskNameState, TaskNameCommand, TaskNameEvent> = {
  decide: decideTaskName,
  evolve: evolveTaskName,
  initialState: () => ({}),
};
