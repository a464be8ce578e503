import { ErrorCode, SchedError, toExecutionStreamId, type ExecutionEvent, type TaskDue } from '@sched/contracts';
import { executionDecider, type ExecutionCommand, type ExecutionState } from '@sched/domain';
import { WrongExpectedVersionError, handleCommand, toEnvelopes, type CausationContext, type EventStore } from '@sched/event-store';

/** Refusals that mean "already done, or no longer applicable": a redelivered event must not fail the subscription. */
export function isSettled(error: unknown): boolean {
  return SchedError.is(error) && ([ErrorCode.INVALID_STATE, ErrorCode.NOT_FOUND, ErrorCode.CONFLICT] as string[]).includes(error.code);
}

/** A command chosen from the execution's current state (read inside the command handler, so a conflict re-chooses). */
export type ExecutionCommandFor = (state: ExecutionState) => ExecutionCommand | undefined;

const choosingDecider = {
  evolve: executionDecider.evolve,
  initialState: executionDecider.initialState,
  decide: (choose: ExecutionCommandFor, state: ExecutionState): ExecutionEvent[] => {
    const command = choose(state);
    return command ? executionDecider.decide(command, state) : [];
  },
};

/** Runs a command on an execution stream through the execution decider; settled refusals are swallowed. */
export async function commandExecution(store: EventStore, executionId: string, choose: ExecutionCommandFor, cause: CausationContext): Promise<boolean> {
  try {
    const handled = await handleCommand(store, toExecutionStreamId(executionId), choosingDecider, choose, cause);
    return handled.appended.length > 0;
  } catch (error) {
    if (isSettled(error)) return false;
    throw error;
  }
}

/** Appends an execution's TaskDue as its stream's first event: its position, or undefined when it was already there. */
export async function scheduleExecution(store: EventStore, due: TaskDue['data'], cause: CausationContext): Promise<number | undefined> {
  const events = executionDecider.decide({ type: 'ScheduleExecution', data: due }, executionDecider.initialState());
  try {
    return (await store.append(toExecutionStreamId(due.executionId), toEnvelopes(events, cause), { expected: 'no_stream' })).position;
  } catch (error) {
    if (WrongExpectedVersionError.is(error)) return undefined;
    throw error;
  }
}
