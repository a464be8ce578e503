import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Subjects, toExecutionStreamId } from '@sched/contracts';
import { executionDecider } from '@sched/domain';
import { jetstreamManager } from '@nats-io/jetstream';
import { DEFAULT_STREAM_NAME, LOG_DISPATCH_CONSUMER, commitSequenceOf, toEnvelopes } from '@sched/event-store';
import { waitFor } from '../support/system';
import { createTask, historyOf, trigger, typesOf, waitForHistory } from '../support/executions';
import { useSystemWithHeldHttp } from '../support/held-http';
import { isProcessAlive } from '../support/process-alive';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Shutdown while the executor is busy: what it runs finishes (within the grace period), and nothing delivered after
 * shutdown began is started. Such a start would append over a connection that closes once the running attempts
 * have drained ("connection closed", the work nak'd after all); it goes back to the server instead.
 */
describe('executor shutdown', () => {
  const context = useSystemWithHeldHttp({ EXECUTOR_CONCURRENCY: '4', EXECUTOR_PULL_WAIT_MS: '5000' });

  // Pulls of 5 s: the one open when shutdown begins is still open 100 ms later, whatever its phase.
  it('finishes what runs and starts nothing delivered after shutdown began', async () => {
    const { system, http } = context;
    const blocker = await trigger(system, await createTask(system, { executor: 'http', config: { url: http.url('blocker') } }));
    await waitFor(() => http.calls.length > 0, 5_000, 'the blocker running');
    const closing = system.closeApp();
    await sleep(100); // shutdown has begun; it waits for the blocker, and the executor's pull is still open
    // A first attempt recorded now, as the timer would record it: the open pull delivers it.
    const late = `late@${Date.now()}`;
    const due = executionDecider.decide(
      {
        type: 'ScheduleExecution',
        data: { taskId: 'late', executionId: late, executor: 'noop', config: {}, scheduledAt: new Date().toISOString(), reason: 'schedule', taskRevision: 0 },
      },
      executionDecider.initialState(),
    );
    await system.store.append(toExecutionStreamId(late), toEnvelopes(due, { correlationId: late, causationId: 'test', actor: 'test', nowMs: Date.now() }), {
      expected: 'no_stream',
    });
    await sleep(300);
    http.release();
    await closing;
    expect(typesOf(await historyOf(system.store, blocker)).at(-1)).toBe('TaskSucceeded');
    expect(typesOf(await historyOf(system.store, late))).toEqual(['TaskDue']);
  });
});

/**
 * An attempt still running when the shutdown's grace period (here 500 ms) ends is aborted; its start was recorded,
 * so the executor records why it ended (WorkerShutdown) and the retry policy applies at once, instead of leaving the
 * next executor to record it WorkerLost after the redelivery.
 */
describe('executor shutdown while an attempt outlasts the grace period', () => {
  const context = useSystemWithHeldHttp({ EXECUTOR_SHUTDOWN_GRACE_MS: '500' });

  it('records TaskFailed{WorkerShutdown} and the retry, and acks the work', async () => {
    const { system, http } = context;
    const executionId = await trigger(system, await createTask(system, { executor: 'http', config: { url: http.url('blocker') } }));
    await waitForHistory(system.store, executionId, (events) => events.some((event) => event.type === 'TaskStarted'), 5_000, 'its start recorded');
    const closing = Date.now();
    await system.closeApp(); // the blocker is never released: the attempt outlasts the grace period
    expect(Date.now() - closing).toBeLessThan(3_000); // 500 ms of grace and the open pull's last second, not 5 s
    const events = await historyOf(system.store, executionId);
    expect(typesOf(events)).toEqual(['TaskDue', 'TaskStarted', 'TaskFailed', 'TaskRetried']);
    expect(events[2].data).toMatchObject({ attempt: 1, error: { type: 'WorkerShutdown', message: expect.stringContaining('shut down during the attempt'), retryable: true } });
    // Acked, not put back: the retry is the timer's now (a nak'd TaskDue would keep the consumer's ack floor below it).
    const dispatch = await (await jetstreamManager(system.nc)).consumers.info(DEFAULT_STREAM_NAME, LOG_DISPATCH_CONSUMER);
    expect(dispatch.ack_floor.stream_seq).toBeGreaterThanOrEqual(commitSequenceOf(events[0].position));
  }, 20_000);
});

const pidFile = path.join(os.tmpdir(), `sched-stubborn-${process.pid}`);
/** Each ignores SIGTERM and writes its pid (to a file per run, SCHED_RUN: `<name>-<test>`) once it does. */
const stubbornProcesses = [
  { name: 'command', who: 'the command itself', script: `trap "" TERM; echo $$ > ${pidFile}.$SCHED_RUN; sleep 30` },
  // The command dies on SIGTERM and its output closes at once, while its child lives on: before, the attempt was
  // recorded then, the child's SIGKILL called off and its group forgotten (it outlived even the executor process).
  {
    name: 'background',
    who: 'a process the command started in the background, its output sent elsewhere',
    script: `sh -c 'trap "" TERM; echo $$ > ${pidFile}.$SCHED_RUN; exec sleep 30' >/dev/null 2>&1 </dev/null & exec sleep 60`,
  },
];

/**
 * A command that ignores SIGTERM, or starts a process that does: its attempt ends (cancelled, or by the shutdown)
 * only once its process group is gone (SIGKILL after killGrace), so its retry never runs beside it. Before, the
 * outcome was recorded at once and a stopping process exited before its SIGKILL: the command ran on, orphaned,
 * next to its retry.
 */
describe.each(stubbornProcesses)('aborted commands are stopped before their attempt is recorded (SIGTERM ignored by $who)', ({ name, script }) => {
  const context = useSystemWithHeldHttp({ EXECUTOR_SHUTDOWN_GRACE_MS: '500' });
  const stubborn = { argv: ['sh', '-c', script], env: {}, killGrace: '700ms' };
  afterAll(() => ['cancelled', 'shutdown'].forEach((test) => fs.rmSync(`${pidFile}.${name}-${test}`, { force: true })));
  const alive = isProcessAlive;
  const pidOf = (test: string): Promise<number> =>
    waitFor(() => {
      const file = `${pidFile}.${name}-${test}`;
      const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
      return text ? Number(text) : undefined;
    }, 10_000, `the ${test} command's pid`);

  it('a cancel is recorded once the command is gone, killed after its killGrace', async () => {
    const { system } = context;
    const taskId = await createTask(system, { executor: 'command', config: { ...stubborn, env: { SCHED_RUN: `${name}-cancelled` } } });
    const executionId = await trigger(system, taskId);
    const pid = await pidOf('cancelled');
    // Started (its start committed): a cancel of a due execution is recorded at once, nothing of it running yet.
    await waitForHistory(system.store, executionId, (events) => events.some((event) => event.type === 'TaskStarted'), 5_000, 'its start recorded');
    await system.request(Subjects.cmd.executionCancel, { executionId });
    await waitForHistory(system.store, executionId, (events) => events.some((event) => event.type === 'TaskCancelled'), 10_000, 'cancelled');
    expect(alive(pid)).toBe(false);
  });

  it('a stopping executor kills the command before it exits, and records the attempt ended by the shutdown', async () => {
    const { system } = context;
    const taskId = await createTask(system, { executor: 'command', config: { ...stubborn, env: { SCHED_RUN: `${name}-shutdown` } } });
    const executionId = await trigger(system, taskId);
    const pid = await pidOf('shutdown');
    await system.closeApp();
    expect(alive(pid)).toBe(false);
    const events = await historyOf(system.store, executionId);
    expect(events[2]).toMatchObject({ type: 'TaskFailed', data: { error: { type: 'WorkerShutdown' } } });
  }, 20_000);
});
