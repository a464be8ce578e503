import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Subjects, type ExecutionView, type RecordedEvent, type TaskRetried } from '@sched/contracts';
import { createTask, trigger, waitForHistory } from '../support/executions';
import { startTestSystem, type TestSystem } from '../support/system';

const retried = (events: RecordedEvent[]) => events.find((e) => e.type === 'TaskRetried') as (RecordedEvent & { data: TaskRetried['data'] }) | undefined;

/**
 * Durable retry timers: the timer fires TaskRetried{retryAt} by putting the next attempt on the work queue at retryAt,
 * and a retry scheduled before every service stopped still fires after they start again.
 */
describe('retry timers', () => {
  let system: TestSystem;
  let marker: string;

  beforeAll(async () => {
    system = await startTestSystem();
    marker = mkdtempSync(path.join(os.tmpdir(), 'sched-retry-'));
  });
  afterAll(async () => {
    await system?.close();
    rmSync(marker, { recursive: true, force: true });
  });

  /** Fails the first time (and leaves a marker), succeeds after. */
  const failsOnce = (name: string) => ({
    name: `fails once ${name}`,
    executor: 'command',
    config: { argv: ['/bin/sh', '-c', `test -f ${marker}/${name} || { touch ${marker}/${name}; exit 3; }`] },
    retry: { maxAttempts: 3, backoff: 'fixed', initialInterval: '2s', jitter: 0 },
  });

  it('fires the next attempt at retryAt', async () => {
    const taskId = await createTask(system, failsOnce('a'));
    const executionId = await trigger(system, taskId);
    const events = await waitForHistory(system.store, executionId, (e) => e.some((x) => x.type === 'TaskSucceeded'), 15_000, 'success');
    const retry = retried(events)!;
    expect(retry.data.attempt).toBe(2);
    const second = events.find((e) => e.type === 'TaskStarted' && (e.data as { attempt: number }).attempt === 2)!;
    const late = Date.parse((second.data as { startedAt: string }).startedAt) - Date.parse(retry.data.retryAt);
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(1_000);

    // The execution record: attempts with their outcome and the lines the executor logged, and the retry count.
    const view = await system.request<ExecutionView>(Subjects.query.executionGet, { executionId, minPosition: events[events.length - 1].position });
    if (!view.ok) throw new Error(JSON.stringify(view.error));
    expect(view.result).toMatchObject({ status: 'succeeded', attempt: 2, retryCount: 1 });
    expect(view.result.attempts?.map((a) => a.status)).toEqual(['failed', 'succeeded']);
    expect(view.result.attempts?.[0].logs?.map((line) => line.message)).toContain('exited with code 3');
  });

  it('survives a restart of every service between the failure and retryAt', async () => {
    const taskId = await createTask(system, { ...failsOnce('b'), retry: { ...failsOnce('b').retry, initialInterval: '4s' } });
    const executionId = await trigger(system, taskId);
    const failed = await waitForHistory(system.store, executionId, (e) => retried(e) !== undefined, 10_000, 'the retry');
    // While it waits, its record says when the next attempt is due.
    const waiting = await system.request<ExecutionView>(Subjects.query.executionGet, { executionId, minPosition: retried(failed)!.position });
    expect(waiting.ok && waiting.result).toMatchObject({ status: 'due', attempt: 1, retryAt: retried(failed)!.data.retryAt });
    await system.closeApp(); // every service down (the nats-server and its data stay)
    const retryAt = Date.parse(retried(failed)!.data.retryAt);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, retryAt - Date.now()) + 1_000));
    await system.startAppAgain();
    const events = await waitForHistory(system.store, executionId, (e) => e.some((x) => x.type === 'TaskSucceeded'), 15_000, 'success');
    expect(events.filter((e) => e.type === 'TaskStarted').map((e) => (e.data as { attempt: number }).attempt)).toEqual([1, 2]);
  });
});
