import { Subjects, toTaskStreamId, type TaskSkipped } from '@sched/contracts';
import { taskDecider } from '@sched/domain';
import { handleCommand } from '@sched/event-store';
import { createTask } from '../support/executions';
import { useSystem, waitFor } from '../support/system';

/**
 * A task paused, then resumed while no timer ran: the fires its pause swallowed are recorded as skipped when a timer
 * takes its partition over, as a running timer records each. Before, the timer started from the resume and the
 * span from its watermark to the resume had no record at all.
 */
describe('a task resumed while the timer was down (e2e)', () => {
  const context = useSystem();

  it('records the fires of the pause as one paused skip, then fires on', async () => {
    const taskId = await createTask(context.system, { name: 'resumed while down', executor: 'noop', schedules: [{ type: 'interval', every: '1s' }] });
    expect((await context.system.request(Subjects.cmd.taskPause, { taskId })).ok).toBe(true);
    await context.system.closeApp();
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // three fires, paused, with no timer running
    const nowMs = Date.now();
    await handleCommand(context.system.store, toTaskStreamId(taskId), taskDecider, { type: 'ResumeTask', data: { taskId, nowMs } }, { correlationId: 'resume', causationId: 'resume', actor: 'test', nowMs });
    await context.system.startAppAgain();
    const skipped = await waitFor(async () => {
      for await (const event of context.system.store.readAll({ filter: { streamPrefixes: [`execution-${taskId}@`], eventTypes: ['TaskSkipped'] } })) {
        const data = event.data as TaskSkipped['data'];
        if (data.reason === 'paused' && (data.missedCount ?? 0) >= 2) return data;
      }
      return undefined;
    }, 10_000, 'a paused skip for the fires of the pause');
    expect(Date.parse(skipped.missedTo!)).toBeLessThanOrEqual(nowMs);
  });
});
