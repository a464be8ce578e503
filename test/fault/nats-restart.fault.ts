import { Subjects, type TaskCommandResult, type TaskStatsView, type TriggerTaskResult } from '@sched/contracts';
import { waitFor } from '../support/system';
import { executionAnomalies, sleep, startFaultSystem, type FaultSystem } from './fault-system';

const TASKS = 6;
const LOAD_MS = 10_000;
const RESTART_AFTER_MS = 4_000;
const TRIGGER_EVERY_MS = 100;

/**
 * nats-server itself restarts (SIGTERM, same port and store) while every service runs as its own process under
 * load: 1-second schedules (misfire fire-all) plus a stream of triggers from a client that retries each trigger
 * with the same commandId until it is answered. Afterwards: every occurrence and every trigger executed exactly
 * once, nothing lost, and the read models agree with the log.
 */
describe('nats-server restarted mid-load', () => {
  let system: FaultSystem;

  beforeAll(async () => {
    system = await startFaultSystem();
  }, 120_000);
  afterAll(async () => {
    await system?.close();
  });

  it('services reconnect: 0 lost, 0 duplicate executions, read models converge', async () => {
    const taskIds: string[] = [];
    for (let i = 0; i < TASKS; i += 1) {
      const created = await system.requestUntilAnswered<TaskCommandResult>(Subjects.cmd.taskCreate, {
        name: `restart-${i}`, executor: 'noop', schedules: [{ type: 'interval', every: '1s' }], misfire: { policy: 'fire-all', catchupWindow: '10m' },
      });
      if (!created.ok) throw new Error(JSON.stringify(created.error));
      taskIds.push(created.result.taskId);
    }
    const loadStartedAt = Date.now();
    const triggers: Array<Promise<string>> = [];
    let restarted = false;
    for (let n = 0; Date.now() - loadStartedAt < LOAD_MS; n += 1) {
      triggers.push(
        system.requestUntilAnswered<TriggerTaskResult>(Subjects.cmd.taskTrigger, { taskId: taskIds[n % TASKS] }).then((reply) => {
          if (!reply.ok) throw new Error(JSON.stringify(reply.error));
          return reply.result.executionId;
        }),
      );
      if (!restarted && Date.now() - loadStartedAt > RESTART_AFTER_MS) {
        restarted = true;
        void system.nats.restart();
      }
      await sleep(TRIGGER_EVERY_MS);
    }
    const triggered = await Promise.all(triggers);
    const loadEndedAt = Date.now();
    for (const taskId of taskIds) expect((await system.requestUntilAnswered(Subjects.cmd.taskPause, { taskId })).ok).toBe(true);

    // Every execution ends; then count. What was still open at the last look is reported, should that take long.
    const pausedAt = Date.now();
    let lastOpen: string[] = [];
    const executions = await waitFor(async () => {
      const all = await system.executions();
      const open = [...executionAnomalies(all).unfinished, ...triggered.filter((id) => !all.has(id))];
      if (open.length > 0) lastOpen = open;
      return open.length === 0 ? all : undefined;
    }, 60_000, 'every execution to end');
    const endedAfterMs = Date.now() - pausedAt;
    const { duplicated } = executionAnomalies(executions);
    const succeeded = [...executions.values()].filter((events) => events.some((event) => event.type === 'TaskSucceeded')).length;
    // Only the pause at the end may make an execution end otherwise: an occurrence due from the last second of the
    // load on is recorded as due and skipped (reason paused), one racing its task's pause or any that fell due while
    // the last executions were still ending (a delivery lost in the restart comes back after the 30 s ack wait).
    const endedOtherwise = [...executions.entries()].filter(([, events]) => !events.some((event) => event.type === 'TaskSucceeded'));
    const skippedAtPause = endedOtherwise.filter(([id, events]) => {
      const last = events.at(-1);
      return last?.type === 'TaskSkipped' && (last.data as { reason?: string }).reason === 'paused' && Number(id.split('@')[1]) >= loadEndedAt - 1000;
    });

    // Each whole second of the load fired once per task (fire-all: an occurrence missed during the outage fires late).
    const missed: string[] = [];
    for (const taskId of taskIds) {
      for (let second = Math.ceil(loadStartedAt / 1000) * 1000 + 1000; second < loadEndedAt - 1000; second += 1000) {
        if (!executions.has(`${taskId}@${second}`)) missed.push(`${taskId}@${second}`);
      }
    }
    // A retried trigger (same commandId) appended one TaskTriggered only.
    let taskTriggered = 0;
    for await (const event of system.store.readAll({ filter: { eventTypes: ['TaskTriggered'] } })) taskTriggered += 1;

    // The projector's stats converge to the log, per task: re-read both until they agree (a fire racing the pause
    // may still be landing when the first read is taken).
    let lastMismatch: string[] = [];
    const statsMismatch = await waitFor(async () => {
      const head = await system.store.headPosition();
      const log = await system.executions();
      const mismatch: string[] = [];
      for (const taskId of taskIds) {
        const ofTask = [...log.values()].filter((events) => (events[0].data as { taskId: string }).taskId === taskId);
        const inLog = { finished: ofTask.length, succeeded: ofTask.filter((events) => events.some((event) => event.type === 'TaskSucceeded')).length };
        const stats = await system.requestUntilAnswered<TaskStatsView>(Subjects.query.stats, { taskId, minPosition: head });
        if (!stats.ok || stats.result.succeeded !== inLog.succeeded || stats.result.finished !== inLog.finished) {
          mismatch.push(`${taskId}: log ${JSON.stringify(inLog)}, ${JSON.stringify(stats)}`);
        }
      }
      lastMismatch = mismatch;
      return mismatch.length === 0 ? mismatch : undefined;
    }, 15_000, 'the projector stats to agree with the log').catch(() => lastMismatch);

    const lastToEnd = lastOpen.slice(0, 3).map((id) => `${id}: ${(executions.get(id) ?? []).map((event) => `${event.type}@${event.metadata.occurredAt}`).join(' ')}`);
    const figures = { endedAfterMs, lastToEnd, executions: executions.size, triggers: triggered.length, taskTriggered, succeeded, skippedAtPause: skippedAtPause.length, missed: missed.length, duplicated: duplicated.length, clientRetries: system.retries() };
    console.log(`nats-server restart under load: ${JSON.stringify(figures)}`);
    expect(missed).toEqual([]);
    expect(duplicated).toEqual([]);
    expect(endedOtherwise).toEqual(skippedAtPause);
    expect(new Set(triggered).size).toBe(triggered.length);
    expect(taskTriggered).toBe(triggered.length);
    expect(statsMismatch).toEqual([]);
    expect(system.retries()).toBeGreaterThan(0); // the outage was felt
  }, 150_000);
});
