import type { Page, TaskView } from '@sched/contracts';
import { EventFactory } from '../testing/event-factory';
import { ProjectorHarness } from '../testing/projector-harness';

/** task.list by schedule status: computed per task at query time, so filtered after SQL, page by page. */
describe('task.list by schedule status', () => {
  const TASKS = 1_234; // six of the filter's 200-row batches, and more
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

  it('gives the event loop turns while it reads every row for a status none has (it held the timer\'s thread)', async () => {
    let turns = 0;
    let counting = true;
    const count = (): void => {
      turns += 1;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    const page = await h.controller.listTasks({ status: 'failed', limit: 50 });
    counting = false;
    expect(page.items).toEqual([]);
    expect(turns).toBeGreaterThanOrEqual(6); // one between each two batches of rows
  });

  it('lists each task under the status its view shows', async () => {
    const listed = await pages({ status: ['paused', 'pending', 'delayed', 'ended', 'succeeded', 'overdue'], limit: 500 });
    const views = (await pages({ limit: 500 })).ids.length;
    expect(listed.ids).toHaveLength(views);
    for (const status of ['paused', 'pending'] as const) {
      const page = await h.controller.listTasks({ status, limit: 100 });
      expect(page.items.every((task) => task.scheduleStatus === status)).toBe(true);
    }
  });
});
