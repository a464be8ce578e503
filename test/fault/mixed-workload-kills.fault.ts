import type { RecordedEvent, TaskCommandResult, TaskDue, TriggerTaskResult } from '@sched/contracts';
import { Subjects } from '@sched/contracts';
import { isExecutionEnd } from '../support/executions';
import { waitFor } from '../support/system';
import { executionAnomalies, sleep, startFaultSystem, type FaultSystem, type ServiceName } from './fault-system';

const LOAD_MS = 20_000;
const KILL_EVERY_MS = 2_000;
/** A dead worker's attempt comes back after this (instead of 30 s), so the test can wait for every execution to end. */
const ACK_WAIT_MS = '4000';
/** The test's clock and the services' clocks are one machine's, read a few ms apart. */
const KILL_CLOCK_SLACK_MS = 50;

const errorTypeOf = (event: RecordedEvent): string | undefined => (event.data as { error?: { type: string } }).error?.type;

/**
 * A 20 s mixed workload (1-second schedules, 2-second schedules of 1.5 s jobs that fail 30% of the time, with retries, and a
 * stream of manual triggers) while a timer or an executor process is killed with SIGKILL every few seconds and a
 * fresh one started. Afterwards every due occurrence of every schedule exists exactly once, every execution
 * ended exactly once: succeeded, or (the flaky task only) failed for good after its retries, and every WorkerLost
 * was an attempt whose executor was killed while it ran.
 */
describe('timer and executor killed at random during a mixed workload', () => {
  let system: FaultSystem;

  beforeAll(async () => {
    system = await startFaultSystem(['gateway', 'relay', 'timer', 'timer', 'executor', 'executor'], { WORK_ACK_WAIT_MS: ACK_WAIT_MS });
  }, 120_000);
  afterAll(async () => {
    await system?.close();
  });

  const create = async (payload: Record<string, unknown>): Promise<string> => {
    const reply = await system.requestUntilAnswered<TaskCommandResult>(Subjects.cmd.taskCreate, payload);
    if (!reply.ok) throw new Error(JSON.stringify(reply.error));
    return reply.result.taskId;
  };

  it('every occurrence exactly once, every execution ends exactly once, 0 lost', async () => {
    const fast = await Promise.all([0, 1, 2, 3].map((i) => create({ name: `every second ${i}`, executor: 'noop', schedules: [{ type: 'interval', every: '1s' }], misfire: { policy: 'fire-all', catchupWindow: '10m' } })));
    const flaky = await create({
      name: 'sometimes fails',
      executor: 'example',
      config: { duration: '1500ms', steps: 3, successRate: 0.7 },
      schedules: [{ type: 'interval', every: '2s' }],
      misfire: { policy: 'fire-all', catchupWindow: '10m' },
      retry: { maxAttempts: 5, backoff: 'fixed', initialInterval: '500ms', jitter: 0 },
    });
    const manual = await create({ name: 'manual runs', executor: 'sleep', config: { duration: '300ms', steps: 2 } });

    const startedAt = Date.now();
    const triggered: string[] = [];
    let kills = 0;
    /** When each executor was killed: the only moments a WorkerLost may come from. */
    const executorKills: number[] = [];
    let nextKill = startedAt + KILL_EVERY_MS;
    while (Date.now() - startedAt < LOAD_MS) {
      const reply = await system.requestUntilAnswered<TriggerTaskResult>(Subjects.cmd.taskTrigger, { taskId: manual });
      if (reply.ok) triggered.push(reply.result.executionId);
      if (Date.now() >= nextKill) {
        const service: ServiceName = kills % 2 === 0 ? 'executor' : 'timer';
        const victims = system.running(service);
        if (service === 'executor') executorKills.push(Date.now());
        await victims[Math.floor(Math.random() * victims.length)].kill9();
        await system.start(service);
        kills += 1;
        nextKill = Date.now() + KILL_EVERY_MS;
      }
      await sleep(400);
    }
    const endedAt = Date.now();

    // Every execution ends (a killed worker's attempt comes back after the ack wait and is retried).
    const executions = await waitFor(async () => {
      const all = await system.executions();
      return [...all.values()].every((events) => events.some(isExecutionEnd)) && all;
    }, 60_000, 'every execution to end');

    const dues = [...executions.values()].map((events) => events[0] as RecordedEvent & { data: TaskDue['data'] });
    const seconds = (everyMs: number) => {
      const out: number[] = [];
      for (let t = Math.ceil((startedAt + 1_000) / everyMs) * everyMs; t <= endedAt - 1_000; t += everyMs) out.push(t);
      return out;
    };
    for (const taskId of fast) {
      const fired = dues.filter((due) => due.data.taskId === taskId).map((due) => Date.parse(due.data.scheduledAt));
      expect(new Set(fired).size).toBe(fired.length);
      for (const second of seconds(1_000)) expect(fired).toContain(second);
    }
    const flakyFired = dues.filter((due) => due.data.taskId === flaky).map((due) => Date.parse(due.data.scheduledAt));
    for (const instant of seconds(2_000)) expect(flakyFired).toContain(instant);
    for (const executionId of triggered) expect(executions.has(executionId)).toBe(true);

    const { unfinished, duplicated } = executionAnomalies(executions);
    expect(unfinished).toEqual([]);
    expect(duplicated).toEqual([]);
    for (const events of executions.values()) {
      // A WorkerLost only for an attempt whose executor was killed while it ran: never a live worker declared lost.
      for (const lost of events.filter((e) => e.type === 'TaskFailed' && errorTypeOf(e) === 'WorkerLost')) {
        const attempt = (lost.data as { attempt: number }).attempt;
        const started = events.find((e) => e.type === 'TaskStarted' && (e.data as { attempt: number }).attempt === attempt)!;
        const [from, to] = [Date.parse((started.data as { startedAt: string }).startedAt), Date.parse(lost.metadata.occurredAt)];
        expect(executorKills.some((at) => at >= from - KILL_CLOCK_SLACK_MS && at <= to)).toBe(true);
      }
      const end = events.find(isExecutionEnd)!;
      if (end.type === 'TaskSucceeded') continue;
      // Only the flaky task may fail, once its retries are used up: for its own reason, or because its last attempt's
      // executor was killed (checked above).
      expect([(events[0].data as TaskDue['data']).taskId, end.type]).toEqual([flaky, 'TaskFailed']);
      expect(['ExampleFailure', 'WorkerLost']).toContain(errorTypeOf(end));
    }
    const workerLost = [...executions.values()].flat().filter((e) => e.type === 'TaskFailed' && errorTypeOf(e) === 'WorkerLost').length;
    console.log(`mixed workload with kills: ${JSON.stringify({ kills, executions: executions.size, triggered: triggered.length, workerLost, seconds: (endedAt - startedAt) / 1000 })}`);
  }, 200_000);
});
