import type { Page, TaskView } from '@sched/contracts';
import { EventFactory } from '../testing/event-factory';
import { ProjectorHarness } from '../testing/projector-harness';

/** task.list by schedule status: computed per task at query time, so filtered after SQL, page by page. */
describe('task.list by schedule status', () => {
  const TASKS = 1_234; // more than two of the filter's 500-row batches
  let h: ProjectorHarness;
  beforeAll(async () => {
    h = new ProjectorHarness();
    const f = new EventFactory();
    for (let i = 0; i < TASKS; i += 1) {
      const taskId = `task-${String(i).padStart(4, '0')}`;
      f.tick(10).created(taskId);
      if (i % 7 === 3) f.paused(taskId);
    }
    await h.append(f.events);
    h.projector.start();
    await h.caughtUp();
  });
  afterAll(() => h.close());

  const pages = async (query: Record<string, unknown>): Promise<{ ids: string[]; pages: number }> => {
    const ids: string[] = [];
    let cursor: string | undefined;
    let count = 0;
    do {
      const page: Page<TaskView> = await h.controller.listTasks({ ...query, cursor });
      ids.push(...page.items.map((task) => task.taskId));
      cursor = page.nextCursor;
      count += 1;
    } while (cursor);
    return { ids, pages: count };
  };

  it('lists only the tasks with that status, in creation order, across pages with no gap or repeat', async () => {
    const everything = await pages({ limit: 500 });
    expect(everything.ids).toHaveLength(TASKS);
    const paused = everything.ids.filter((_, i) => i % 7 === 3);
    const byStatus = await pages({ status: 'paused', limit: 40 });
    expect(byStatus.ids).toEqual(paused);
    expect(byStatus.pages).toBe(Math.ceil(paused.length / 40));
    // The state filter is SQL's; the status filter agrees with it here (a paused task's status is paused).
    expect((await pages({ state: 'paused', limit: 500 })).ids).toEqual(paused);
  });

  it('several statuses: any of them; a status no task has is an empty page, not an error', async () => {
    const both = await pages({ status: ['paused', 'pending'], limit: 500 });
    expect(both.ids).toHaveLength(TASKS);
    expect(await h.controller.listTasks({ status: 'failed' })).toEqual({ items: [], nextCursor: undefined });
    await expect(h.controller.listTasks({ status: 'broken' })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: 'task.list: status: status must be one of disabled, paused, pending, running, succeeded, failed, delayed, overdue, ended, or a list of them',
    });
  });
});
