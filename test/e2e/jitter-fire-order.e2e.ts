import { randomUUID } from 'node:crypto';
import { Subjects, scheduledExecutionId, toTaskStreamId, type NextFiresResult, type ScheduleSpec } from '@sched/contracts';
import { nextFirings, type Firing } from '@sched/domain';
import { historyOf, typesOf, waitForHistory } from '../support/executions';
import { useSystem } from '../support/system';

const sleepUntil = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms - Date.now())));

/**
 * Jitter delays an occurrence past its nominal instant. The timer's progress is a fire instant, so an occurrence whose
 * nominal instant has passed but whose fire instant has not is still fired after a restart or a resume (both used to
 * start from "now" in nominal instants and lose it), and a task's fires come in the order they fire.
 */
describe('jittered occurrences (e2e)', () => {
  const context = useSystem();

  const ok = async <T>(subject: string, payload: unknown): Promise<T> => {
    const reply = await context.system.request<T>(subject, payload);
    if (!reply.ok) throw new Error(`${subject}: ${JSON.stringify(reply.error)}`);
    return reply.result;
  };

  /**
   * A task firing every 2 s with up to ~2 s of jitter whose first occurrence over 500 ms away fires at least `lagMs`
   * after its nominal instant. Jitter is a pure function of the task id and the instant, so the id is picked before
   * the task is created (waiting for such an occurrence of a random id took ~5 s on average).
   */
  async function jitteredTask(lagMs: number): Promise<{ taskId: string; target: Firing }> {
    const spec: ScheduleSpec = { type: 'interval', everyMs: 2000, offsetMs: 0, jitterMs: 1950 };
    for (let attempt = 0; attempt < 1000; attempt += 1) {
      const taskId = `jit-${randomUUID().slice(0, 8)}`;
      const now = Date.now();
      const target = nextFirings(taskId, [spec], now, now, 4).find((firing) => firing.occurrence.atMs > now + 500);
      if (!target || target.fireAtMs - target.occurrence.atMs < lagMs) continue;
      await ok(Subjects.cmd.taskCreate, { taskId, name: taskId, executor: 'noop', schedules: [{ type: 'interval', every: '2s', jitterMs: 1950 }] });
      return { taskId, target };
    }
    throw new Error(`no task id in 1000 whose next occurrence fires ${lagMs} ms late`);
  }

  const ranOnce = async (taskId: string, target: Firing): Promise<void> => {
    const executionId = scheduledExecutionId(taskId, target.occurrence.atMs);
    const events = await waitForHistory(context.system.store, executionId, (history) => history.some((event) => event.type === 'TaskSucceeded'), 15_000, `${executionId} to run`);
    expect(typesOf(events)).toEqual(['TaskDue', 'TaskStarted', 'TaskSucceeded']);
    // Recorded ahead of its fire instant it carries that instant as notBefore; recorded after it (a slow restart on a
    // loaded machine) it carries none. Either way it starts no sooner than its fire instant.
    const [due, started] = events;
    const notBefore = (due.data as { notBefore?: string }).notBefore;
    if (notBefore !== undefined) expect(Date.parse(notBefore)).toBe(target.fireAtMs);
    else expect(Date.parse(due.metadata.occurredAt)).toBeGreaterThanOrEqual(target.fireAtMs);
    expect(Date.parse(started.metadata.occurredAt)).toBeGreaterThanOrEqual(target.fireAtMs);
  };

  it('next-fires lists the fires in the order they fire, jitter included, as the timer arms them', async () => {
    // A jittered schedule beside a plain one: its fires land after the other's later nominal instants.
    const taskId = `jit-${randomUUID().slice(0, 8)}`;
    const specs: ScheduleSpec[] = [
      { type: 'interval', everyMs: 4000, offsetMs: 0, jitterMs: 3900 },
      { type: 'interval', everyMs: 4000, offsetMs: 2000 },
    ];
    const schedules = [{ type: 'interval', every: '4s', jitterMs: 3900 }, { type: 'interval', every: '4s', offset: '2s' }];
    await ok(Subjects.cmd.taskCreate, { taskId, name: taskId, executor: 'noop', schedules });
    const [created] = await context.system.store.read(toTaskStreamId(taskId));
    const after = Date.now() + 60_000;
    const next = await ok<NextFiresResult>(Subjects.query.taskNextFires, { taskId, count: 40, after: new Date(after).toISOString() });
    const fireAts = next.fires.map((fire) => Date.parse(fire.fireAt));
    expect(fireAts).toEqual([...fireAts].sort((a, b) => a - b));
    expect(next.fires.map((fire) => [Date.parse(fire.at), Date.parse(fire.fireAt)])).toEqual(
      nextFirings(taskId, specs, Date.parse(created.metadata.occurredAt), after, 40).map((firing) => [firing.occurrence.atMs, firing.fireAtMs]),
    );
    // Some jittered occurrence fires after the plain schedule's next nominal instant (each does with odds ~1/2).
    expect(next.fires.some((fire, index) => index > 0 && Date.parse(fire.at) < Date.parse(next.fires[index - 1].at))).toBe(true);
    await ok(Subjects.cmd.taskDelete, { taskId });
  });

  it('an occurrence past its nominal instant but not yet fired is fired after a restart', async () => {
    const { taskId, target } = await jitteredTask(1200);
    await sleepUntil(target.occurrence.atMs + 200);
    await context.system.closeApp();
    await context.system.startAppAgain();
    await ranOnce(taskId, target);
    await ok(Subjects.cmd.taskDelete, { taskId });
  });

  it('a task resumed between an occurrence\'s nominal instant and its fire instant fires it (not skipped, not lost)', async () => {
    const { taskId, target } = await jitteredTask(1200);
    await ok(Subjects.cmd.taskPause, { taskId });
    await sleepUntil(target.occurrence.atMs + 200);
    await ok(Subjects.cmd.taskResume, { taskId });
    await ranOnce(taskId, target);
    expect(typesOf(await historyOf(context.system.store, scheduledExecutionId(taskId, target.occurrence.atMs)))).not.toContain('TaskSkipped');
    await ok(Subjects.cmd.taskDelete, { taskId });
  });
});
