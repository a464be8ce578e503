import type { EventEnvelope } from '@sched/contracts';
import { InvalidAppendError } from './errors';
import { MAX_EVENTS_PER_APPEND } from './event-store.port';

/** Characters a NATS subject token cannot hold: ids become subjects (es.<category>.<rest>) in the JetStream adapter. */
const FORBIDDEN = /[.*>\s]/;

export interface StreamName {
  /** Text before the first '-': `task`, `execution`. */
  readonly category: string;
  /** Text after the first '-'. */
  readonly rest: string;
}

/**
 * `<category>-<rest>` with both parts non-empty. Every adapter applies the same rule so that a stream id valid in
 * memory tests is valid in production.
 */
export function parseStreamName(streamId: string): StreamName {
  const dash = streamId.indexOf('-');
  const category = dash < 0 ? '' : streamId.slice(0, dash);
  const rest = dash < 0 ? '' : streamId.slice(dash + 1);
  if (category === '' || rest === '' || FORBIDDEN.test(streamId)) {
    throw new InvalidAppendError(
      `invalid stream id "${streamId}": expected <category>-<id> without '.', '*', '>' or whitespace`,
    );
  }
  return { category, rest };
}

export function validateAppend(streamId: string, events: readonly EventEnvelope[]): StreamName {
  const name = parseStreamName(streamId);
  if (events.length === 0) throw new InvalidAppendError(`append to ${streamId} without events`);
  if (events.length > MAX_EVENTS_PER_APPEND) {
    throw new InvalidAppendError(`append to ${streamId} of ${events.length} events (max ${MAX_EVENTS_PER_APPEND})`);
  }
  for (const event of events) {
    if (typeof event.id !== 'string' || event.id === '' || typeof event.type !== 'string' || event.type === '') {
      throw new InvalidAppendError(`append to ${streamId}: every event needs a non-empty id and type`);
    }
  }
  return name;
}
