import { Subjects, type RecordedEvent } from '@sched/contracts';
import { ExecutionTracker } from '../support/execution-tracker';
import { createTask, trigger } from '../support/executions';
import { useSystem, waitFor } from '../support/system';

const BACKLOG = 300;
const LONG_BACKLOG = 600;
const HOUR_MS = 3_600_000;

/**
 * A backfill queued behind `maxConcurrent: 1` (overlap queue) in one executor process: its executions wait in the
 * task's line there, and only the first asks for the slot. Before, each came back by itself and rewrote its place in
 * the task's one KV key: the executor spent itself on compare-and-set conflicts, and other tasks' executions waited
 * behind the backlog in the dispatch consumer (600 of them: ~8 s; thousands: minutes).
 */
describe('a backlog behind a task limit', () => {
  const context = useSystem();
  let tracker: ExecutionTracker;
  beforeAll(() => {
    tracker = new ExecutionTracker(context.system.store);
  });
  afterAll(async () => {
    await tracker?.close();
  });
  /** `count` hourly occurrences, all in the past. */
  const backfill = async (taskId: string, count: number): Promise<void> => {
    const now = Date.now();
    const from = new Date(now - (count + 0.5) * HOUR_MS).toISOString();
    const to = new Date(now - 0.5 * HOUR_MS).toISOString();
    expect(await context.system.request(Subjects.cmd.taskBackfill, { taskId, from, to })).toMatchObject({ ok: true, result: { occurrences: count } });
  };

  it(`another task's execution starts at once behind ${LONG_BACKLOG} waiting for a long run of their task`, async () => {
    const { system } = context;
    const busy = await createTask(system, { executor: 'sleep', config: { duration: '60s', steps: 1 }, maxConcurrent: 1, schedules: [{ type: 'interval', every: '1h' }] });
    expect((await system.request(Subjects.cmd.taskPause, { taskId: busy })).ok).toBe(true);
    await backfill(busy, LONG_BACKLOG);
    await waitFor(() => [...tracker.histories].some(([id, events]) => id.startsWith(`${busy}@`) && events.some((event) => event.type === 'TaskStarted')), 15_000, 'the first of the backlog to start');
    const probeTask = await createTask(system, { executor: 'noop' });
    const triggeredAt = Date.now();
    const probe = await trigger(system, probeTask);
    await waitFor(() => tracker.ended().includes(probe), 15_000, 'the probe to run');
    const probeMs = Date.now() - triggeredAt;
    console.log(`behind ${LONG_BACKLOG} waiting: another task's execution ran ${probeMs} ms after its trigger`);
    expect(probeMs).toBeLessThan(2_000); // ~20 ms; 5-10 s before, behind the backlog in the dispatch consumer
    expect((await system.request(Subjects.cmd.taskDelete, { taskId: busy, cancelPending: true })).ok).toBe(true);
  });

  it(`${BACKLOG} executions behind maxConcurrent 1 run one at a time in the order of their instants, none lost, and another task's execution starts at once`, async () => {
    const { system } = context;
    const busy = await createTask(system, { executor: 'sleep', config: { duration: '10ms', steps: 1 }, maxConcurrent: 1, schedules: [{ type: 'interval', every: '1h' }] });
    expect((await system.request(Subjects.cmd.taskPause, { taskId: busy })).ok).toBe(true);
    await backfill(busy, BACKLOG);
    const ofBusy = (): Array<[string, RecordedEvent[]]> => [...tracker.histories].filter(([id]) => id.startsWith(`${busy}@`));
    await waitFor(() => ofBusy().some(([, events]) => events.some((event) => event.type === 'TaskStarted')), 15_000, 'the first of the backlog to start');

    const probeTask = await createTask(system, { executor: 'noop' });
    const triggeredAt = Date.now();
    const probe = await trigger(system, probeTask);
    await waitFor(() => tracker.ended().includes(probe), 5_000, 'the probe to run');
    const probeMs = Date.now() - triggeredAt;
    const waitingMeanwhile = BACKLOG - ofBusy().filter(([, events]) => events.some((event) => event.type === 'TaskSucceeded')).length;
    console.log(`another task's execution ran ${probeMs} ms after its trigger, ${waitingMeanwhile} of the backlog still to run`);
    expect(probeMs).toBeLessThan(2_000);
    expect(waitingMeanwhile).toBeGreaterThan(BACKLOG / 2); // it did not wait for the backlog

    await waitFor(() => ofBusy().filter(([, events]) => events.some((event) => event.type === 'TaskSucceeded')).length === BACKLOG, 60_000, 'the whole backlog to run');
    const runs = ofBusy()
      .map(([, events]) => runOf(events))
      .sort((a, b) => a.scheduledMs - b.scheduledMs);
    expect(runs).toHaveLength(BACKLOG);
    expect(runs.every((run) => run.attempts === 1)).toBe(true);
    const outOfOrder = runs.filter((run, i) => i > 0 && run.startMs < runs[i - 1].startMs);
    const overlapping = runs.filter((run, i) => i > 0 && run.startMs < runs[i - 1].endMs);
    expect({ outOfOrder: outOfOrder.length, overlapping: overlapping.length }).toEqual({ outOfOrder: 0, overlapping: 0 });
  }, 90_000);
});

function runOf(events: RecordedEvent[]) {
  const due = events.find((event) => event.type === 'TaskDue')!.data as { scheduledAt: string };
  const started = events.filter((event) => event.type === 'TaskStarted');
  const ended = events.find((event) => event.type === 'TaskSucceeded')!.data as { endedAt: string };
  return {
    scheduledMs: Date.parse(due.scheduledAt),
    startMs: Date.parse((started[0].data as { startedAt: string }).startedAt),
    endMs: Date.parse(ended.endedAt),
    attempts: started.length,
  };
}
