import type { INestApplication } from '@nestjs/common';
import { Subjects, toTaskStreamId, type TaskSkipped } from '@sched/contracts';
import { taskDecider } from '@sched/domain';
import { handleCommand } from '@sched/event-store';
import { startStandalone } from '../../apps/standalone/src/standalone';
import { createTask } from '../support/executions';
import { startTestSystem, waitFor, type TestSystem } from '../support/system';

/**
 * A task paused, then resumed while no timer ran: the fires its pause swallowed are recorded as skipped when a timer
 * takes its partition over, as a running timer records each. Before, the timer started from the resume and the
 * span from its watermark to the resume had no record at all.
 */
describe('a task resumed while the timer was down (e2e)', () => {
  let system: TestSystem;
  let restarted: INestApplication | undefined;

  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(async () => {
    await restarted?.close();
    await system?.close();
  });

  it('records the fires of the pause as one paused skip, then fires on', async () => {
    const taskId = await createTask(system, { name: 'resumed while down', executor: 'noop', schedules: [{ type: 'interval', every: '1s' }] });
    expect((await system.request(Subjects.cmd.taskPause, { taskId })).ok).toBe(true);
    await system.closeApp();
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // three fires, paused, with no timer running
    const nowMs = Date.now();
    await handleCommand(system.store, toTaskStreamId(taskId), taskDecider, { type: 'ResumeTask', data: { taskId, nowMs } }, { correlationId: 'resume', causationId: 'resume', actor: 'test', nowMs });
    restarted = await startStandalone(system.config, { shutdownHooks: false, logger: false });
    const skipped = await waitFor(async () => {
      for await (const event of system.store.readAll({ filter: { streamPrefixes: [`execution-${taskId}@`], eventTypes: ['TaskSkipped'] } })) {
        const data = event.data as TaskSkipped['data'];
        if (data.reason === 'paused' && (data.missedCount ?? 0) >= 2) return data;
      }
      return undefined;
    }, 10_000, 'a paused skip for the fires of the pause');
    expect(Date.parse(skipped.missedTo!)).toBeLessThanOrEqual(nowMs);
  });
});
