import type { JsMsg } from '@nats-io/jetstream';
import type { TaskDue } from '@sched/contracts';
import { streamStartEvent } from '@sched/event-store';
import { firstAttemptOf, workItemSchema, type WorkItem } from '@sched/messaging';

/**
 * A message of the executor work queue: a work item, or undefined when it is malformed (terminated: redelivering
 * it would not mend it).
 */
export function workFromQueue(msg: JsMsg, onMalformed: (msg: JsMsg) => void): WorkItem | undefined {
  let body: unknown;
  try {
    body = msg.json();
  } catch {
    body = undefined;
  }
  const parsed = workItemSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  onMalformed(msg);
  msg.term();
  return undefined;
}

/**
 * A commit of an execution stream, from the log dispatch consumer: the first attempt when it is the stream's first
 * commit (TaskDue), undefined otherwise — a later commit of the execution, or a workflow run's TaskDue (the workflow
 * service drives those) — and then it is acked at once, since nothing is owed for it.
 */
export function workFromLog(msg: JsMsg, onMalformed: (msg: JsMsg) => void): WorkItem | undefined {
  let first;
  try {
    first = streamStartEvent(msg);
  } catch {
    // Not an event commit (CorruptCommitError): nothing on it to run, and redelivering it would not mend it.
    onMalformed(msg);
    msg.term();
    return undefined;
  }
  const item = first?.type === 'TaskDue' ? firstAttemptOf(first.data as TaskDue['data']) : undefined;
  if (item === undefined) msg.ack();
  return item;
}
