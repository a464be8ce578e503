import { Subjects, type Page, type ExecutionView, type TaskCommandResult } from '@sched/contracts';
import { ExecutorModule } from '../../apps/executor/src/executor.module';
import { ExecutorWorkerService } from '../../apps/executor/src/executor-worker.service';
import { ExecutorThread, ExecutorThreadModule } from '../../apps/standalone/src/executor-thread.module';
import { standaloneModules } from '../../apps/standalone/src/standalone';
import type { Worker } from 'node:worker_threads';
import { startTestSystem, waitFor, type TestSystem } from '../support/system';
import { createTask, trigger, waitForEnd } from '../support/executions';
import { WARM_UP_TASK_ID } from '../../apps/executor/src/warm-up';
import { DEFAULT_EXECUTOR_WARMUP } from '@sched/messaging';

describe('standalone (STANDALONE_EXECUTOR_THREAD unset: the default): the executor on a worker thread of its own', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem({ EXECUTOR_WARMUP: '', STANDALONE_EXECUTOR_THREAD: '' }); // the defaults, which the test harness changes
  });
  afterAll(async () => {
    await system?.close();
  });

  it('runs no executor on the main thread, yet executions run (on the thread) and the app closes cleanly', async () => {
    expect(standaloneModules(system.config)).not.toContain(ExecutorModule);
    expect(system.app.get(ExecutorThread)).toBeInstanceOf(ExecutorThread);
    const created = await system.request<TaskCommandResult>(Subjects.cmd.taskCreate, {
      name: 'on-the-thread',
      executor: 'sleep',
      config: { duration: '50ms' },
      schedules: [{ type: 'interval', every: '1s' }],
    });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const { taskId } = created.result;
    const succeeded = await waitFor(
      async () => {
        const page = await system.request<Page<ExecutionView>>(Subjects.query.executionList, { taskId, status: 'succeeded' });
        return page.ok && page.result.items.length >= 2 ? page.result.items : undefined;
      },
      10_000,
      'two succeeded executions',
    );
    expect(succeeded.every((execution) => execution.attempt === 1 && execution.workerId === 'test')).toBe(true);
  });

  it("serves the thread's executor metrics on the standalone's /metrics, with the process's own metrics once", async () => {
    const body = await (await fetch(`${system.httpUrl}/metrics`)).text();
    const sample = (name: string, ...labels: string[]): number | undefined => {
      const line = body.split('\n').find((text) => text.startsWith(`${name}{`) && labels.every((label) => text.includes(label)));
      return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
    };
    expect(sample('sched_executions_total', 'outcome="succeeded"', 'executor="sleep"')).toBeGreaterThanOrEqual(2);
    expect(sample('sched_work_received_total', 'executor="sleep"', 'source="log"')).toBeGreaterThanOrEqual(2);
    expect(body.match(/^sched_process_cpu_seconds_total /gm)).toHaveLength(1);
  });

  it("leaves nothing of its start-up warm-up (no-op executions in memory) in the log or the executor's metrics", async () => {
    expect(system.config.executorWarmUp).toBe(DEFAULT_EXECUTOR_WARMUP); // the thread warmed up before it took work
    const streams = new Set<string>();
    for await (const event of system.store.readAll()) streams.add(event.streamId);
    expect(streams.size).toBeGreaterThan(1); // the first test's task and executions
    expect([...streams].filter((streamId) => streamId.includes(WARM_UP_TASK_ID))).toEqual([]);
    const body = await (await fetch(`${system.httpUrl}/metrics`)).text();
    // No noop task has run yet (the next test's is the first): every noop sample would be the warm-up's.
    expect(body.split('\n').filter((line) => line.startsWith('sched_') && line.includes('executor="noop"'))).toEqual([]);
  });

  it('starts a thread that died again, and executions go on', async () => {
    const thread = system.app.get(ExecutorThread) as unknown as { worker?: Worker };
    const lost = thread.worker!;
    const diedAt = Date.now();
    await lost.terminate(); // as a crash would end it: exit code 1, no close asked
    const taskId = await createTask(system, { executor: 'noop' });
    const executionId = await trigger(system, taskId);
    const events = await waitForEnd(system.store, executionId, 10_000);
    expect(events.map((event) => event.type)).toEqual(['TaskDue', 'TaskStarted', 'TaskSucceeded']);
    expect(thread.worker).toBeDefined();
    expect(thread.worker).not.toBe(lost);
    expect(Date.parse((events[1].data as { startedAt: string }).startedAt)).toBeGreaterThan(diedAt);
  });
});

describe('standalone with STANDALONE_EXECUTOR_THREAD=false: the executor on the main thread with every other service', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem({ STANDALONE_EXECUTOR_THREAD: 'false' });
  });
  afterAll(async () => {
    await system?.close();
  });

  it('starts no thread, and executions run on the main thread', async () => {
    expect(standaloneModules(system.config)).toContain(ExecutorModule);
    expect(standaloneModules(system.config)).not.toContain(ExecutorThreadModule);
    expect(system.app.get(ExecutorWorkerService)).toBeInstanceOf(ExecutorWorkerService);
    const taskId = await createTask(system, { executor: 'noop' });
    const events = await waitForEnd(system.store, await trigger(system, taskId), 10_000);
    expect(events.map((event) => event.type)).toEqual(['TaskDue', 'TaskStarted', 'TaskSucceeded']);
  });
});

describe('standalone with EVENT_STORE=memory: the executor on the main thread, where the events are', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem({ EVENT_STORE: 'memory', STANDALONE_EXECUTOR_THREAD: '' }); // the thread's default
  });
  afterAll(async () => {
    await system?.close();
  });

  it('runs executions (a thread of its own held a second, empty store: every execution stayed due)', async () => {
    expect(system.config.standaloneExecutorThread).toBe(false);
    const taskId = await createTask(system, { executor: 'noop' });
    const executionId = await trigger(system, taskId);
    const view = await waitFor(async () => {
      const reply = await system.request<ExecutionView>(Subjects.query.executionGet, { executionId });
      return reply.ok && reply.result.status === 'succeeded' ? reply.result : undefined;
    }, 10_000, 'the execution to succeed');
    expect(view.attempt).toBe(1);
  });
});
