import { Subjects, type RecordedEvent, type TaskCommandResult, type TaskDue, type TaskStarted } from '@sched/contracts';
import { SchedMetrics } from '@sched/messaging';
import { sumOfSamples } from '../support/metrics-text';
import { startTestSystem, waitFor, type TestSystem } from '../support/system';

/**
 * The timer's fire-ahead window (TIMER_FIRE_AHEAD_MS): each scheduled TaskDue is recorded that long before the
 * instant it fires at, with the instant as its notBefore, and the executor starts the attempt at the instant from
 * its own clock. Here the window is the largest allowed (1 s), so the test does not hang on a busy machine's timing.
 */
describe('fire-ahead: TaskDue recorded ahead of its instant, the attempt started at the instant', () => {
  const AHEAD_MS = 1_000;
  let system: TestSystem;
  const live: RecordedEvent[] = [];

  beforeAll(async () => {
    system = await startTestSystem({ TIMER_FIRE_AHEAD_MS: String(AHEAD_MS) });
    system.nc.subscribe(Subjects.evt.allExecutions, { callback: (_error, msg) => void live.push(msg.json<RecordedEvent>()) });
  });
  afterAll(async () => {
    await system?.close();
  });

  const eventOf = <E extends RecordedEvent>(executionId: string, type: string): E | undefined =>
    live.find((event) => event.streamId === `execution-${executionId}` && event.type === type) as E | undefined;

  async function createEverySecond(name: string): Promise<string> {
    const created = await system.request<TaskCommandResult>(Subjects.cmd.taskCreate, {
      name,
      executor: 'noop',
      schedules: [{ type: 'interval', every: '1s' }],
    });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    return created.result.taskId;
  }

  it('records TaskDue up to the window ahead with notBefore = the instant, and starts no attempt before it', async () => {
    const taskId = await createEverySecond('ahead');
    const executionIds = await waitFor(
      () => {
        const ended = live.filter((event) => event.type === 'TaskSucceeded' && event.streamId.startsWith(`execution-${taskId}@`));
        return ended.length >= 3 ? ended.map((event) => event.streamId.slice('execution-'.length)) : undefined;
      },
      10_000,
      'three executions of the every-second task',
    );
    await system.request(Subjects.cmd.taskDelete, { taskId });
    for (const executionId of executionIds) {
      const due = eventOf<RecordedEvent & TaskDue>(executionId, 'TaskDue')!;
      const started = eventOf<RecordedEvent & TaskStarted>(executionId, 'TaskStarted')!;
      // A wake that comes later than the whole window records no notBefore (it starts at once); the first fire after
      // the task's creation may be one such, the others are not.
      if (due.data.notBefore === undefined) continue;
      expect(due.data.notBefore).toBe(due.data.scheduledAt); // no jitter: the instant is the nominal one
      expect(Date.parse(due.metadata.occurredAt)).toBeLessThan(Date.parse(due.data.notBefore));
      expect(Date.parse(due.data.notBefore) - Date.parse(due.metadata.occurredAt)).toBeLessThanOrEqual(AHEAD_MS);
      expect(Date.parse(started.data.startedAt)).toBeGreaterThanOrEqual(Date.parse(due.data.notBefore));
    }
    const recordedAhead = executionIds.filter((executionId) => eventOf<RecordedEvent & TaskDue>(executionId, 'TaskDue')!.data.notBefore);
    expect(recordedAhead.length).toBeGreaterThanOrEqual(2);
    // The executor got those before their instants and held them: its schedule-to-start metric says so.
    const { body } = await system.app.get(SchedMetrics).exposition();
    expect(sumOfSamples(body, 'sched_schedule_to_start_seconds_count{executor="noop",arrived="ahead"} ')).toBeGreaterThanOrEqual(recordedAhead.length);
  });

  it('starts on time while the store is stopped through the instant: the stall delays the record, not the start', async () => {
    const taskId = await createEverySecond('through-a-stall');
    // Let the system fire this task once first (its first fire may come right after creation, without notBefore).
    await waitFor(() => live.some((event) => event.type === 'TaskSucceeded' && event.streamId.startsWith(`execution-${taskId}@`)), 5_000, 'a first run');
    const instant = Math.ceil((Date.now() + 1_500) / 1_000) * 1_000;
    const executionId = `${taskId}@${instant}`;
    // Stopped 500 ms before the instant (the TaskDue was recorded ~1 s before it, and dispatched) until 300 ms after.
    await new Promise((resolve) => setTimeout(resolve, instant - 500 - Date.now()));
    const stoppedAt = Date.now();
    process.kill(system.nats.pid!, 'SIGSTOP');
    try {
      await new Promise((resolve) => setTimeout(resolve, instant + 300 - Date.now()));
    } finally {
      process.kill(system.nats.pid!, 'SIGCONT');
    }
    const resumedAt = Date.now();
    const started = await waitFor(() => eventOf<RecordedEvent & TaskStarted>(executionId, 'TaskStarted'), 10_000, `${executionId} started`);
    await system.request(Subjects.cmd.taskDelete, { taskId });
    const due = eventOf<RecordedEvent & TaskDue>(executionId, 'TaskDue')!;
    expect(Date.parse(due.metadata.occurredAt)).toBeLessThan(stoppedAt); // the premise: recorded before the stall
    const startedAtMs = Date.parse(started.data.startedAt);
    expect(startedAtMs).toBeGreaterThanOrEqual(instant);
    expect(startedAtMs).toBeLessThan(resumedAt); // without the window it could not have started before the store came back
  });
});
