import { Subjects, type RecordedEvent } from '@sched/contracts';
import { spawnApp, type AppProcess } from '../support/app-process';
import { ExecutionTracker } from '../support/execution-tracker';
import { createTask, trigger } from '../support/executions';
import { startTestSystem, waitFor, type TestSystem } from '../support/system';

const RUNS = 8;
const MAX_CONCURRENT = 2;

/** maxConcurrent holds across executor processes: the standalone system's executor plus a second real process. */
describe('per-task concurrency limit across two executor processes', () => {
  let system: TestSystem;
  let second: AppProcess;
  let tracker: ExecutionTracker;

  beforeAll(async () => {
    system = await startTestSystem({ EXECUTOR_CONCURRENCY: '8' });
    second = spawnApp('executor', { NATS_URL: system.nats.url, INSTANCE_ID: 'second', EXECUTOR_CONCURRENCY: '8', LOG_LEVEL: 'warn' });
    await second.waitForOutput('sched-executor ready', 60_000);
    tracker = new ExecutionTracker(system.store);
  }, 90_000);
  afterAll(async () => {
    await second?.kill9();
    await tracker?.close();
    await system?.close();
  });

  it.concurrent(`${RUNS} triggers of a task with maxConcurrent ${MAX_CONCURRENT}: never more than ${MAX_CONCURRENT} run at once, all succeed`, async () => {
    const taskId = await createTask(system, { executor: 'sleep', config: { duration: '600ms', steps: 1 }, maxConcurrent: MAX_CONCURRENT });
    const executionIds: string[] = [];
    for (let run = 0; run < RUNS; run += 1) executionIds.push(await trigger(system, taskId)); // one task stream: in turn
    await waitFor(() => executionIds.every((id) => tracker.ended().includes(id)), 30_000, 'every execution to end');

    const runs = executionIds.map((id) => attemptSpan(tracker.histories.get(id)!));
    expect(runs.every((run) => run.succeeded)).toBe(true);
    const edges = runs.flatMap((run) => [{ at: run.startMs, delta: 1 }, { at: run.endMs, delta: -1 }]).sort((a, b) => a.at - b.at || a.delta - b.delta);
    let running = 0;
    let peak = 0;
    for (const edge of edges) peak = Math.max(peak, (running += edge.delta));
    const workers = new Set(runs.map((run) => run.workerId));
    console.log(`maxConcurrent ${MAX_CONCURRENT}: peak ${peak} running at once, workers ${[...workers].join(', ')}`);
    expect(peak).toBeLessThanOrEqual(MAX_CONCURRENT);
    expect(peak).toBe(MAX_CONCURRENT); // the limit was actually reached (the runs queued behind it)
  });

  it.concurrent('overlap "queue" (the default): waiting executions run in the order they were triggered', async () => {
    const taskId = await createTask(system, { executor: 'sleep', config: { duration: '2s', steps: 1 }, maxConcurrent: 1 });
    const executionIds: string[] = [];
    for (let run = 0; run < 4; run += 1) {
      executionIds.push(await trigger(system, taskId));
      // Each waiting one comes back every second, at its own phase: 600 ms apart, the third comes back 400 ms before
      // the second in every second, the fourth 200 ms after it.
      await new Promise((resolve) => setTimeout(resolve, 600));
    }
    await waitFor(() => executionIds.every((id) => tracker.ended().includes(id)), 30_000, 'every execution to end');
    const starts = executionIds.map((id) => attemptSpan(tracker.histories.get(id)!).startMs);
    // In turn, each after the one before it ended (it used to be whichever came back first: first, third, second).
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
  });

  it.concurrent("a long queue behind one task's limit does not hold up other tasks' executions", async () => {
    const busy = await createTask(system, { executor: 'sleep', config: { duration: '60s', steps: 1 }, maxConcurrent: 1, schedules: [{ type: 'interval', every: '1s' }] });
    expect((await system.request(Subjects.cmd.taskPause, { taskId: busy })).ok).toBe(true);
    const from = new Date(Date.now() - 20 * 60_000).toISOString();
    const to = new Date(Date.now() - 10 * 60_000).toISOString(); // 600 occurrences, queued behind one slot
    expect(await system.request(Subjects.cmd.taskBackfill, { taskId: busy, from, to })).toMatchObject({ ok: true });
    await waitFor(() => [...tracker.histories.values()].some((events) => events.some((event) => event.type === 'TaskStarted' && event.streamId.includes(busy))), 15_000, 'the first of the queue to start');
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // the queue settles into its lines
    const probe = await trigger(system, await createTask(system, { executor: 'noop' }));
    const triggeredAt = Date.now();
    // Every queued item came back by itself (a compare-and-set on the task's one key each), and the probe waited
    // behind them for minutes; now they wait in their task's line in each executor, only its first asking.
    await waitFor(() => tracker.ended().includes(probe), 10_000, 'the probe to run');
    console.log(`a task's queue of 600: another task's execution ran ${Date.now() - triggeredAt} ms after its trigger`);
    expect((await system.request(Subjects.cmd.taskDelete, { taskId: busy, cancelPending: true })).ok).toBe(true);
  });

  it.concurrent('overlap "skip": a trigger while maxConcurrent executions run ends TaskSkipped at once', async () => {
    const taskId = await createTask(system, { executor: 'sleep', config: { duration: '3s', steps: 1 }, maxConcurrent: 1, overlap: 'skip' });
    const running = await trigger(system, taskId);
    await waitFor(() => tracker.histories.get(running)?.some((event) => event.type === 'TaskStarted'), 10_000, 'the first run to start');
    const skipped = await trigger(system, taskId);
    await waitFor(() => tracker.ended().includes(skipped), 10_000, 'the second run to end');
    expect(tracker.histories.get(skipped)!.map((event) => [event.type, event.data])).toEqual([
      ['TaskDue', expect.objectContaining({ maxConcurrent: 1, overlap: 'skip' })],
      ['TaskSkipped', { reason: `task ${taskId} was at its limit of 1 running (overlap skip)` }],
    ]);
    expect(tracker.ended()).not.toContain(running);
  });
});

function attemptSpan(events: RecordedEvent[]) {
  const started = events.find((event) => event.type === 'TaskStarted')!.data as { startedAt: string; workerId: string };
  const ended = events.find((event) => event.type === 'TaskSucceeded')?.data as { endedAt: string } | undefined;
  return { startMs: Date.parse(started.startedAt), endMs: ended ? Date.parse(ended.endedAt) : Infinity, workerId: started.workerId, succeeded: Boolean(ended) };
}
