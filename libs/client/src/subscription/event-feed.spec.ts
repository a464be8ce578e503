import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { ErrorCode, Subjects, type HistoryEntry, type HistoryPage, type HistoryQueryInput } from '@sched/contracts';
import { SchedClientError } from '../errors';
import { EventFeed, type FeedEvent } from './event-feed';

/** A NatsConnection that only records subscriptions and hands messages to them; its status never changes. */
class FakeConnection {
  readonly callbacks = new Map<string, (error: Error | null, msg: Msg) => void>();

  subscribe(subject: string, { callback }: { callback: (error: Error | null, msg: Msg) => void }) {
    this.callbacks.set(subject, callback);
    return { unsubscribe: () => this.callbacks.delete(subject) };
  }

  /** Status iterators handed out and not stopped (nats.js keeps each listening until stopped). */
  watching = 0;

  status(): AsyncIterable<{ type: string }> & { stop(): void } {
    this.watching += 1;
    let stop: () => void = () => undefined;
    const stopped = new Promise<IteratorResult<{ type: string }>>((resolve) => (stop = () => resolve({ done: true, value: undefined })));
    return {
      [Symbol.asyncIterator]: () => ({ next: () => stopped }),
      stop: () => {
        this.watching -= 1;
        stop();
      },
    };
  }

  /** Delivers to the subscription of that subject (wildcards and all): the fake does no subject matching. */
  deliver(subscribed: string, event: FeedEvent): void {
    this.callbacks.get(subscribed)?.(null, { json: () => event } as unknown as Msg);
  }
}

const entry = (streamId: string, revision: number, position: number, type: string): HistoryEntry => ({
  streamId,
  revision,
  position,
  type,
  id: `ev-${position}`,
  data: {},
  metadata: {},
});

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('EventFeed', () => {
  const log: HistoryEntry[] = [];
  const queries: HistoryQueryInput[] = [];
  const history = async (query: HistoryQueryInput) => {
    queries.push(query);
    const head = log.at(-1)?.position ?? 0;
    return { events: log.filter((event) => event.position > (query.afterPosition ?? 0)), head };
  };
  beforeEach(() => {
    log.length = 0;
    queries.length = 0;
  });

  it('with a taskId, follows the task, its executions and its workflow runs', () => {
    const nc = new FakeConnection();
    const feed = new EventFeed(nc as unknown as NatsConnection, history, { taskId: 'wf' }).start();
    expect([...nc.callbacks.keys()]).toEqual(['sched.evt.task.wf.*', 'sched.evt.execution.wf.>', 'sched.evt.workflow.wf.>']);
    void feed.close();
  });

  it('ends with the error when the history says what no retry cures (NOT_FOUND, VALIDATION), and lets go of its subscriptions', async () => {
    for (const code of [ErrorCode.NOT_FOUND, ErrorCode.VALIDATION, ErrorCode.UNAUTHORIZED, ErrorCode.BAD_REQUEST]) {
      const nc = new FakeConnection();
      let asked = 0;
      const refusing = () => ((asked += 1), Promise.reject(new SchedClientError(code, `history: ${code}`, {}, Subjects.query.history)));
      const feed = new EventFeed(nc as unknown as NatsConnection, refusing, { taskId: 'ghost-task', fromPosition: 0 }).start();
      await expect(feed[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code });
      expect(asked).toBe(1);
      expect(nc.callbacks.size).toBe(0);
    }
  });

  it('retries a history that does not answer (UNAVAILABLE) until it does', async () => {
    const nc = new FakeConnection();
    log.push(entry('task-t', 0, 1, 'TaskCreated'));
    let failures = 1;
    const flaky = (query: HistoryQueryInput): Promise<HistoryPage> =>
      failures-- > 0 ? Promise.reject(new SchedClientError(ErrorCode.UNAVAILABLE, 'no answer', {}, Subjects.query.history)) : history(query);
    const feed = new EventFeed(nc as unknown as NatsConnection, flaky, { taskId: 't', fromPosition: 0 }).start();
    expect((await feed[Symbol.asyncIterator]().next()).value).toMatchObject({ type: 'TaskCreated' });
    void feed.close();
  });

  it('dedupes a run stream by revision and fills a gap in it from the task history, in order', async () => {
    const nc = new FakeConnection();
    const feed = new EventFeed(nc as unknown as NatsConnection, history, { taskId: 'wf' }).start();
    await settle(); // caught up to the (empty) head: live from here
    const subject = Subjects.evt.workflowsOfTask('wf');
    const run = [
      entry('workflow-r1', 0, 1, 'WorkflowStarted'),
      entry('workflow-r1', 1, 2, 'StepScheduled'),
      entry('workflow-r1', 2, 3, 'StepSucceeded'),
      entry('workflow-r1', 3, 4, 'WorkflowSucceeded'),
    ];
    log.push(...run);
    const live = run.map((event): FeedEvent => ({ ...event, taskId: 'wf' })); // the relay adds the task id
    nc.deliver(subject, live[0]);
    nc.deliver(subject, live[1]);
    nc.deliver(subject, live[1]); // redelivered
    nc.deliver(subject, live[3]); // live[2] lost on the way: a gap in workflow-r1
    await settle();

    const received: FeedEvent[] = [];
    for await (const event of feed) if (received.push(event) === run.length) break;
    expect(received.map((event) => event.revision)).toEqual([0, 1, 2, 3]);
    expect(received.every((event) => event.taskId === 'wf')).toBe(true);
    // The catch-up read the task's history from the run's last delivered event on.
    expect(queries.at(-1)).toMatchObject({ taskId: 'wf', afterPosition: 2 });
    expect(feed.stats()).toEqual({ live: 2, history: 2 });
  });

  it("replays what the live feed has and no more: a name's reservation stream is in the log, never live", async () => {
    log.push(entry('taskname-abc', 0, 1, 'TaskNameClaimed'), entry('task-t', 0, 2, 'TaskCreated'), entry('execution-t@1', 0, 3, 'TaskDue'));
    const feed = new EventFeed(new FakeConnection() as unknown as NatsConnection, history, { fromPosition: 0 }).start();
    const received: FeedEvent[] = [];
    for await (const event of feed) if (received.push(event) === 2) break;
    expect(received.map((event) => event.type)).toEqual(['TaskCreated', 'TaskDue']);
  });

  it("stops watching the connection's status when closed: 300 closed feeds held 300 listeners and all they had", async () => {
    const nc = new FakeConnection();
    const feeds = Array.from({ length: 3 }, () => new EventFeed(nc as unknown as NatsConnection, history, {}).start());
    expect(nc.watching).toBe(3);
    await Promise.all(feeds.map((feed) => feed.close()));
    expect(nc.watching).toBe(0);
  });

  it('holds a bounded backlog for a consumer that falls behind, and brings what it let go from history, in order', async () => {
    const nc = new FakeConnection();
    const all: HistoryEntry[] = [];
    const paged = async (query: HistoryQueryInput): Promise<HistoryPage> => {
      const head = all.at(-1)?.position ?? 0;
      const after = query.afterPosition ?? 0;
      const events = all.filter((event) => event.position > after).slice(0, query.limit ?? 500);
      const last = events.at(-1);
      return last && last.position < head ? { events, nextCursor: last.position, head } : { events, head };
    };
    const feed = new EventFeed(nc as unknown as NatsConnection, paged, {}).start();
    await settle(); // caught up to the (empty) head: live from here
    let peak = 0;
    for (let i = 1; i <= 30_000; i++) {
      const event = entry(`execution-e${i % 50}`, Math.floor((i - 1) / 50), i * 1000, 'TaskProgressed');
      all.push(event);
      nc.deliver(Subjects.evt.all, event);
      peak = Math.max(peak, feed.backlog());
    }
    expect(peak).toBeLessThanOrEqual(20_001); // the queue and the held live events, each bounded (was 30,000 and on)
    const positions: number[] = [];
    for await (const event of feed) if (positions.push(event.position) === all.length) break;
    expect(positions).toEqual(all.map((event) => event.position));
    expect(feed.stats().history).toBeGreaterThan(0);
  });
});
