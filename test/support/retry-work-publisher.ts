import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Subjects, toExecutionStreamId, type TaskDue, type TaskRetried } from '@sched/contracts';
import type { EventStore } from '@sched/event-store';
import { workItemMsgId, type WorkItem } from '@sched/messaging';

export interface RetryWorkPublisher {
  /** Work items published so far. */
  readonly published: () => number;
  close(): Promise<void>;
}

/**
 * Test stand-in for the timer's durable retry timers: follows TaskRetried and, at retryAt, puts the next attempt's
 * work item on the queue. It uses the same msgID (`<executionId>/<attempt>`) as the timer, so when both run the
 * queue keeps one item. Not durable (tests only).
 */
export function startRetryWorkPublisher(store: EventStore, nc: NatsConnection): RetryWorkPublisher {
  const js = jetstream(nc);
  const subscription = store.subscribeAll({ from: 'start', filter: { streamPrefixes: ['execution-'], eventTypes: ['TaskRetried'] } });
  const timers = new Set<NodeJS.Timeout>();
  let published = 0;
  const publish = async (executionId: string, attempt: number): Promise<void> => {
    const [first] = await store.read(toExecutionStreamId(executionId));
    const due = first.data as TaskDue['data'];
    const item: WorkItem = { executionId, taskId: due.taskId, executor: due.executor, attempt };
    await js.publish(Subjects.work.forType(due.executor), JSON.stringify(item), { msgID: workItemMsgId(item) });
    published += 1;
  };
  const following = (async () => {
    for await (const event of subscription) {
      const { attempt, retryAt } = (event as unknown as TaskRetried).data;
      const executionId = event.streamId.slice('execution-'.length);
      const timer = setTimeout(() => {
        timers.delete(timer);
        void publish(executionId, attempt).catch(() => undefined);
      }, Math.max(0, Date.parse(retryAt) - Date.now()));
      timers.add(timer);
    }
  })();
  return {
    published: () => published,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      await subscription.close();
      await following;
    },
  };
}
