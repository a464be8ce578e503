import { toExecutionStreamId, type EventEnvelope } from '@sched/contracts';
import { InvalidAppendError, MemoryEventStore, type AppendResult, type ExpectedVersion } from '@sched/event-store';
import { sleepExecutor, type TaskExecutor } from '@sched/executors';
import { AttemptAbort } from './attempt-abort';
import { runAttempt } from './attempt-runner';
import { ExecutionActor } from './execution-actor';
import { dueOf, scheduled } from './testing/scheduled-execution';

/** A store with a size limit of its own: it refuses any commit whose events hold the marker (as JetStream refuses > 1 MiB). */
class RefusingStore extends MemoryEventStore {
  override async append(streamId: string, events: readonly EventEnvelope[], options: { expected: ExpectedVersion }): Promise<AppendResult> {
    if (JSON.stringify(events).includes('refuse me')) throw new InvalidAppendError(`append to ${streamId}: 1049207 bytes, max 1048576`);
    return super.append(streamId, events, options);
  }
}

const due = dueOf({
  executor: 'test',
  retry: { maxAttempts: 3, backoff: 'fixed', initialIntervalMs: 1000, multiplier: 2, maxIntervalMs: 1000, jitter: 0, nonRetryableErrorTypes: [] },
});

/** A store whose progress appends wait until released (NATS reconnecting, a slow server). */
class StallingStore extends RefusingStore {
  release: () => void = () => undefined;
  private readonly released = new Promise<void>((resolve) => (this.release = resolve));
  override async append(streamId: string, events: readonly EventEnvelope[], options: { expected: ExpectedVersion }): Promise<AppendResult> {
    if (events.some((event) => event.type === 'TaskProgressed')) await this.released;
    return super.append(streamId, events, options);
  }
}

async function runWith(
  execute: TaskExecutor<unknown>['execute'],
  backing: RefusingStore = new RefusingStore(),
  abort = new AttemptAbort(),
): Promise<{ outcome: string; events: { type: string; data: unknown }[] }> {
  const store = await scheduled(due, backing);
  const actor = new ExecutionActor(store, 'e1', 'w1');
  await actor.load();
  await actor.start(1);
  const executor: TaskExecutor<unknown> = { type: 'test', description: 'test', configSchema: { safeParse: (config: unknown) => ({ success: true, data: config }) } as never, execute };
  const outcome = await runAttempt({ actor, executor, attempt: 1, abort, heartbeat: () => undefined });
  return { outcome, events: (await store.read(toExecutionStreamId('e1'))).map(({ type, data }) => ({ type, data })) };
}

describe('runAttempt: an outcome the store refuses', () => {
  it('a result the store will not hold fails the attempt for good, saying what the store said (it came back as WorkerLost)', async () => {
    const { outcome, events } = await runWith(async () => ({ page: 'refuse me' }));
    expect(outcome).toBe('recorded');
    expect(events.map((event) => event.type)).toEqual(['TaskDue', 'TaskStarted', 'TaskFailed']);
    expect(events[2].data).toMatchObject({
      final: true,
      error: { type: 'OutcomeRejected', retryable: false, message: "the store refused the attempt's outcome: append to execution-e1: 1049207 bytes, max 1048576" },
    });
  });

  it('an error the store will not hold the same', async () => {
    const { events } = await runWith(async () => {
      throw new Error('refuse me');
    });
    expect(events.at(-1)).toMatchObject({ type: 'TaskFailed', data: { final: true, error: { type: 'OutcomeRejected' } } });
  });
});

describe('runAttempt: progress reports', () => {
  it('executor code goes on while its progress is not recorded yet; the reports follow, the newest with the outcome', async () => {
    const store = new StallingStore();
    let codeDone = false;
    const run = runWith(async ({ progress }) => {
      for (let percent = 10; percent <= 100; percent += 10) await progress(percent);
      codeDone = true;
      return 'done';
    }, store);
    // Its first report's append still hangs; the code ends all the same (waiting on the append, it never would).
    for (const deadline = Date.now() + 5000; !codeDone && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(codeDone).toBe(true);
    store.release();
    const { events } = await run;
    expect(events.map((event) => event.type)).toEqual(['TaskDue', 'TaskStarted', 'TaskProgressed', 'TaskProgressed', 'TaskSucceeded']);
    expect(events.filter((event) => event.type === 'TaskProgressed').map((event) => (event.data as { percent: number }).percent)).toEqual([10, 100]);
  });

  // Reports come faster than the throttle sends them: 10 goes out at once, 100 is still pending when the attempt ends.
  it.each(['fails', 'times out'])('the newest report goes with the outcome when the attempt %s too (it went with a success alone)', async (how) => {
    const abort = new AttemptAbort();
    const { events } = await runWith(
      async ({ progress }) => {
        for (let percent = 10; percent <= 100; percent += 10) await progress(percent);
        if (how === 'fails') throw new Error('boom');
        abort.abort({ kind: 'timeout', timeout: 'startToClose', timeoutMs: 1000 });
        return new Promise(() => undefined); // code that ignores its abort: the outcome is recorded without it
      },
      undefined,
      abort,
    );
    expect(events.filter((event) => event.type === 'TaskProgressed').map((event) => (event.data as { percent: number }).percent)).toEqual([10, 100]);
    expect(events.map((event) => event.type).slice(4, 5)).toEqual([how === 'fails' ? 'TaskFailed' : 'TaskTimedOut']);
  });
});

describe('runAttempt: a config its executor refuses when it runs', () => {
  it('fails InvalidConfig with one line naming each field, as admission words it (not zod\'s JSON)', async () => {
    const store = await scheduled(dueOf({ executor: 'sleep', config: { duration: '1s', steps: 0 } }));
    const actor = new ExecutionActor(store, 'e1', 'w1');
    await actor.load();
    await actor.start(1);
    const outcome = await runAttempt({ actor, executor: sleepExecutor as TaskExecutor<unknown>, attempt: 1, abort: new AttemptAbort(), heartbeat: () => undefined });
    expect(outcome).toBe('recorded');
    const failed = (await store.read(toExecutionStreamId('e1'))).at(-1)!;
    const message = (failed.data as { error: { type: string; message: string } }).error.message;
    expect(failed.data).toMatchObject({ error: { type: 'InvalidConfig', retryable: false } });
    expect(message).toBe('invalid config for executor "sleep": config.steps: Too small: expected number to be >=1');
    expect(message).not.toContain('[');
  });
});
