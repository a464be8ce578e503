import { parseStreamId, upcast, type AsOfView, type ExecutionEvent, type RecordedEvent, type TaskEvent } from '@sched/contracts';
import { evolveExecution, evolveTask, initialExecutionState, initialTaskState, type TaskState } from '@sched/domain';

/** Sets become sorted arrays so the state reads the same in JSON. */
const toJsonState = (state: object): Record<string, unknown> =>
  JSON.parse(JSON.stringify(state, (_key, value: unknown) => (value instanceof Set ? [...value].sort() : value))) as Record<string, unknown>;

/**
 * A task's state as shown: its kept trigger ids (the decider's memory that makes a retried trigger act once, up to
 * 10,000 ids of up to 128 characters) as their count. All of them made a reply of ~1.3 MB, over a NATS message, so
 * the as-of of a much-triggered task never answered; each trigger is a TaskTriggered in its history.
 */
function taskStateView(state: TaskState): object {
  if (state.status === 'none') return state;
  const { triggeredExecutionIds, ...rest } = state;
  return { ...rest, triggeredExecutionIdCount: triggeredExecutionIds.size };
}

/**
 * Time travel: the domain state of one stream as of `at`, folded with the domain's own evolve from the stream's
 * events that occurred at or before it: a prefix of the stream, as every writer stamps an event no earlier than the
 * one before it (toEnvelopes). Events recorded before that was so may be up to seconds out of order; the fold stops
 * at the first one after `at` rather than folding a state that never was (a later event without its predecessor).
 */
export function stateAsOf(streamId: string, events: readonly RecordedEvent[], at: string): AsOfView {
  const atMs = Date.parse(at);
  const prefix: RecordedEvent[] = [];
  for (const event of events) {
    if (Date.parse(event.metadata.occurredAt) > atMs) break;
    prefix.push(upcast(event));
  }
  const last = prefix[prefix.length - 1];
  const state =
    parseStreamId(streamId)?.category === 'task'
      ? taskStateView(prefix.reduce((s, e) => evolveTask(s, e as unknown as TaskEvent), initialTaskState()))
      : prefix.reduce((s, e) => evolveExecution(s, e as unknown as ExecutionEvent), initialExecutionState());
  return {
    streamId,
    at: new Date(atMs).toISOString(),
    revision: last?.revision ?? -1,
    position: last?.position ?? 0,
    ...(last ? { occurredAt: last.metadata.occurredAt } : {}),
    state: toJsonState(state),
  };
}
