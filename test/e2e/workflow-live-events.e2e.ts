import type { EventFeed, FeedEvent } from '@sched/client';
import type { HistoryEntry } from '@sched/contracts';
import { useSystemWithClient } from '../support/system';
import { createWorkflow } from '../support/workflows';

/** Reads a feed until `done` says what came is enough; the `break` closes the feed. */
async function receiveUntil(feed: EventFeed, done: (received: readonly FeedEvent[]) => boolean): Promise<FeedEvent[]> {
  const received: FeedEvent[] = [];
  for await (const event of feed) {
    received.push(event);
    if (done(received)) break;
  }
  return received;
}

const key = (event: HistoryEntry): string => `${event.streamId}#${event.revision}`;
const ofStream = (events: readonly FeedEvent[], streamId: string): FeedEvent[] => events.filter((event) => event.streamId === streamId);

/** A workflow run's own stream (`workflow-<runId>`) live on `sched.evt.workflow.<taskId>.<runId>.<type>` and in the task's history. */
describe('workflow run events, live and in history (e2e)', () => {
  const context = useSystemWithClient();

  it('a subscriber of a workflow task gets its run live, and the task history has the run in log order', async () => {
    const taskId = await createWorkflow(context.system, {
      mode: 'serial',
      steps: [
        { id: 'first', executor: 'noop' },
        { id: 'second', executor: 'noop', dependsOn: ['first'] },
      ],
    });
    const feed = context.client.subscribe({ taskId });
    // A step's execution belongs to its pseudo task `<taskId>:<stepId>`: followed by its own subscription.
    const stepFeed = context.client.subscribe({ taskId: `${taskId}:second` });
    // A request on the same connection: the server has the subscriptions before anything is triggered.
    await context.client.historyPage({ taskId });

    const { executionId: runId } = await context.client.triggerTask({ taskId });
    const runStream = `workflow-${runId}`;
    const runExecution = `execution-${runId}`;
    const [received, stepReceived] = await Promise.all([
      receiveUntil(feed, (events) =>
        events.some((e) => e.type === 'WorkflowSucceeded') && events.some((e) => e.streamId === runExecution && e.type === 'TaskSucceeded'),
      ),
      receiveUntil(stepFeed, (events) => events.some((e) => e.type === 'TaskSucceeded')),
    ]);

    const run = ofStream(received, runStream);
    expect(run.map((e) => e.type)).toEqual(['WorkflowStarted', 'StepScheduled', 'StepSucceeded', 'StepScheduled', 'StepSucceeded', 'WorkflowSucceeded']);
    expect(run.map((e) => (e.data as { stepId?: string }).stepId)).toEqual([undefined, 'first', 'first', 'second', 'second', undefined]);
    expect(run.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(ofStream(received, runExecution).map((e) => e.type)).toEqual(['TaskDue', 'TaskStarted', 'TaskSucceeded']);
    expect(received.map((e) => e.type)).toContain('TaskTriggered');
    expect(received.every((e) => e.taskId === taskId)).toBe(true);
    expect(received.map((e) => e.position)).toEqual([...received.map((e) => e.position)].sort((a, b) => a - b));
    expect(feed.stats().history).toBe(0); // everything came live
    expect(stepReceived.map((e) => e.streamId)).toEqual(stepReceived.map(() => `execution-${runId}:second`));
    expect(stepReceived.map((e) => e.type)).toEqual(expect.arrayContaining(['TaskDue', 'TaskSucceeded']));
    expect(stepReceived.every((e) => e.taskId === `${taskId}:second`)).toBe(true);

    // The task's history: its stream, the run's execution and the run's stream, merged in log order.
    const history: HistoryEntry[] = [];
    for await (const event of context.client.history({ taskId, limit: 4 })) history.push(event);
    expect(history.map((e) => e.position)).toEqual([...history.map((e) => e.position)].sort((a, b) => a - b));
    expect(history[0].type).toBe('TaskCreated');
    expect(history.filter((e) => e.position >= received[0].position).map(key)).toEqual(received.map(key));

    // The audit walks the run's stream too: task, run execution, run.
    expect(await context.client.auditVerify({ taskId })).toMatchObject({ ok: true, streams: 3, broken: [] });
  });
});
