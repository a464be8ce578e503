import { Subjects, type RecordedEvent, type TaskView } from '@sched/contracts';
import { createTask, trigger, waitForEnd } from '../support/executions';
import { waitFor } from '../support/system';
import { useSystemWithSchedctl } from '../support/schedctl-cli';

/** A task's pauseOnFailure (Temporal's pause_on_failure): an execution failing for good pauses the task. */
describe('pause on failure (e2e)', () => {
  const context = useSystemWithSchedctl();
  const { schedctl } = context;

  const taskEvents = (taskId: string) => context.system.store.read(`task-${taskId}`);
  const pausesOf = async (taskId: string): Promise<RecordedEvent[]> => (await taskEvents(taskId)).filter((event) => event.type === 'TaskPaused');

  it.concurrent('a scheduled run that fails for good pauses the task, once, naming it; the fires after it are recorded skipped', async () => {
    const created = await schedctl(
      '--json', 'task', 'create', '--name', 'fails every second', '--executor', 'command', '--config', '{"argv":["false"]}',
      '--every', '1s', '--max-retries', '0', '--pause-on-failure',
    );
    expect(created).toMatchObject({ code: 0, err: '' });
    const { taskId } = JSON.parse(created.out) as { taskId: string };

    const [pause] = await waitFor(async () => {
      const pauses = await pausesOf(taskId);
      return pauses.length > 0 ? pauses : undefined;
    }, 15_000, 'the task paused');
    const failed = (pause.data as { afterFailureOf: string }).afterFailureOf;
    expect(pause.data).toMatchObject({ note: `paused after ${failed} failed for good (CommandFailed: false exited with code 1)` });
    const failedEvents = await waitForEnd(context.system.store, failed);
    expect(failedEvents.at(-1)).toMatchObject({ type: 'TaskFailed', data: { final: true } });
    // Caused by the failure, in its correlation.
    expect(pause.metadata).toMatchObject({ causationId: failedEvents.at(-1)!.id, correlationId: failedEvents.at(-1)!.metadata.correlationId });

    // The next fire after the pause is recorded as skipped: TaskDue + TaskSkipped{paused}.
    const pausedAtMs = Date.parse(pause.metadata.occurredAt);
    const nextFire = Math.ceil((pausedAtMs + 200) / 1000) * 1000 + 1000;
    const skipped = await waitForEnd(context.system.store, `${taskId}@${nextFire}`, 10_000);
    expect(skipped.map((event) => event.type)).toEqual(['TaskDue', 'TaskSkipped']);
    expect(skipped[1]).toMatchObject({ data: { reason: 'paused' } });
    // Several runs may have failed before the pause took effect; the task was paused once.
    expect(await pausesOf(taskId)).toHaveLength(1);

    const shown = await schedctl('task', 'get', taskId);
    expect(shown.out).toMatch(/^on failure:\s+pause the task$/m);
    expect(shown.out).toMatch(/^state:\s+paused/m);
    await schedctl('task', 'delete', taskId);
  });

  it.concurrent('after a resume the next failure pauses it again; a task without it, or with it turned off, is not paused', async () => {
    const pausing = await createTask(context.system, { name: 'pauses', executor: 'command', config: { argv: ['false'] }, retry: { maxAttempts: 1 }, pauseOnFailure: true });
    const first = await trigger(context.system, pausing);
    await waitFor(async () => ((await pausesOf(pausing)).length === 1 ? true : undefined), 10_000, 'the first pause');
    await context.system.request(Subjects.cmd.taskResume, { taskId: pausing });
    const second = await trigger(context.system, pausing);
    const pauses = await waitFor(async () => {
      const found = await pausesOf(pausing);
      return found.length === 2 ? found : undefined;
    }, 10_000, 'the second pause');
    expect(pauses.map((event) => (event.data as { afterFailureOf: string }).afterFailureOf)).toEqual([first, second]);

    // Turned off by an update: the next failure leaves it active.
    await context.system.request(Subjects.cmd.taskResume, { taskId: pausing });
    expect(await schedctl('task', 'update', pausing, '--no-pause-on-failure')).toMatchObject({ code: 0 });
    const plain = await createTask(context.system, { name: 'never pauses', executor: 'command', config: { argv: ['false'] }, retry: { maxAttempts: 1 } });
    const third = await trigger(context.system, pausing);
    const other = await trigger(context.system, plain);
    await waitForEnd(context.system.store, third);
    await waitForEnd(context.system.store, other);
    // The reactions to both failures are behind a later one's: a failure of a third task, paused when handled.
    const marker = await createTask(context.system, { name: 'marker', executor: 'command', config: { argv: ['false'] }, retry: { maxAttempts: 1 }, pauseOnFailure: true });
    await trigger(context.system, marker);
    await waitFor(async () => ((await pausesOf(marker)).length === 1 ? true : undefined), 10_000, 'the marker paused');
    expect(await pausesOf(pausing)).toHaveLength(2);
    expect(await pausesOf(plain)).toHaveLength(0);
    const task = await context.system.request<TaskView>(Subjects.query.taskGet, { taskId: pausing, minPosition: await context.system.store.headPosition() });
    expect(task).toMatchObject({ ok: true, result: { state: 'active', pauseOnFailure: false } });
  });

  it.concurrent('turned off while an execution waits to be retried: its failure for good pauses nothing (the task as it is then)', async () => {
    const { system } = context;
    const taskId = await createTask(system, {
      name: 'changed its mind',
      executor: 'command',
      config: { argv: ['false'] },
      retry: { maxAttempts: 2, backoff: 'fixed', initialInterval: '1s' },
      pauseOnFailure: true,
    });
    const executionId = await trigger(system, taskId);
    await waitFor(async () => ((await system.store.read(`execution-${executionId}`)).some((event) => event.type === 'TaskRetried') ? true : undefined), 10_000, 'the retry');
    expect(await schedctl('task', 'update', taskId, '--no-pause-on-failure')).toMatchObject({ code: 0 });
    await waitForEnd(system.store, executionId);
    // Its failure is handled before a later one's: a marker task's, paused when handled.
    const marker = await createTask(system, { name: 'marker after', executor: 'command', config: { argv: ['false'] }, retry: { maxAttempts: 1 }, pauseOnFailure: true });
    await trigger(system, marker);
    await waitFor(async () => ((await pausesOf(marker)).length === 1 ? true : undefined), 10_000, 'the marker paused');
    expect(await pausesOf(taskId)).toHaveLength(0);
  });
});
