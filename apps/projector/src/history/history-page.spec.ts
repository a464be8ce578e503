import type { RecordedEvent } from '@sched/contracts';
import { EventFactory } from '../testing/event-factory';
import { replyByteBudget } from '../queries/reply-budget';
import { fitPage, mergeStreams, readLogBackward } from './history-page';

describe('history pages', () => {
  it('fitPage stops at the byte budget (never below one event) and says more is left', () => {
    const log = new EventFactory();
    const events = Array.from({ length: 10 }, (_, i) => log.created(`t${i}`, { description: 'x'.repeat(1000) }));
    const { entries, more } = fitPage(events, 100, 3500);
    expect(entries).toHaveLength(2);
    expect(more).toBe(true);
    expect(fitPage(events, 100, 10).entries).toHaveLength(1);
    expect(fitPage(events, 100, 1e9)).toMatchObject({ more: false });
    expect(replyByteBudget(1024 * 1024)).toBeLessThan(1024 * 1024);
  });

  it('mergeStreams returns the first events after the cursor in position order, reading only streams that can matter', async () => {
    const log = new EventFactory();
    const byStream = new Map<string, RecordedEvent[]>();
    const add = (event: RecordedEvent) => byStream.set(event.streamId, [...(byStream.get(event.streamId) ?? []), event]);
    add(log.created('t'));
    for (let i = 0; i < 5; i++) add(log.due('t', `e${i}`));
    for (let i = 0; i < 5; i++) add(log.started(`e${i}`));
    const starts = [...byStream.entries()].map(([streamId, events]) => ({ streamId, reach: streamId.startsWith('task-') ? 0 : events[0].position }));
    const read: string[] = [];
    const reader = async (id: string) => (read.push(id), byStream.get(id)!);
    const page = await mergeStreams(starts, reader, { direction: 'forward', cursor: 0, limit: 3 }, () => true);
    expect(page.events.slice(0, 3).map((e) => e.type)).toEqual(['TaskCreated', 'TaskDue', 'TaskDue']);
    expect(page.unread).toBe(true);
    // e2 starts after the 3rd event (e1's TaskDue): it and later executions cannot be on this page.
    expect(read).toEqual(['task-t', 'execution-e0', 'execution-e1']);
  });

  it('mergeStreams backward returns the latest events before the cursor, reading only streams that end late enough', async () => {
    const log = new EventFactory();
    const byStream = new Map<string, RecordedEvent[]>();
    const add = (event: RecordedEvent) => byStream.set(event.streamId, [...(byStream.get(event.streamId) ?? []), event]);
    add(log.created('t'));
    for (let i = 0; i < 5; i++) {
      add(log.due('t', `e${i}`));
      add(log.started(`e${i}`));
    }
    const ends = [...byStream.entries()]
      .map(([streamId, events]) => ({ streamId, reach: streamId.startsWith('task-') ? Number.MAX_SAFE_INTEGER : events[events.length - 1].position }))
      .sort((a, b) => b.reach - a.reach);
    const read: string[] = [];
    const reader = async (id: string) => (read.push(id), byStream.get(id)!);
    const page = await mergeStreams(ends, reader, { direction: 'backward', cursor: Number.MAX_SAFE_INTEGER, limit: 3 }, () => true);
    expect(page.events.slice(0, 3).map((e) => `${e.type} ${e.streamId}`)).toEqual([
      'TaskStarted execution-e4',
      'TaskDue execution-e4',
      'TaskStarted execution-e3',
    ]);
    expect(page.unread).toBe(true);
    expect(read).toEqual(['task-t', 'execution-e4', 'execution-e3']);
  });

  it('readLogBackward widens its window until it holds the page, or reaches the start', async () => {
    const log = new EventFactory();
    const events = Array.from({ length: 50 }, (_, i) => log.created(`t${i}`));
    const windows: number[] = [];
    const readAfter = async function* (after: number) {
      windows.push(after);
      yield* events.filter((event) => event.position > after);
    };
    const before = events[40].position;
    const page = await readLogBackward(readAfter, before, 5, 1);
    expect(page.events.map((e) => e.position)).toEqual(events.slice(34, 40).reverse().map((e) => e.position));
    expect(page.resumeAt).toBeUndefined();
    expect(windows.length).toBeGreaterThan(1);
    expect(await readLogBackward(readAfter, events[3].position, 5, 1)).toEqual({ events: events.slice(0, 3).reverse() });
    // Out of time: what the first window found, and the next page resumes before it.
    const span = before - events[30].position; // a first window of 10 events, for a page of 20
    const hurried = await readLogBackward(readAfter, before, 20, span, Date.now() - 1);
    expect(hurried.events.map((e) => e.position)).toEqual(events.slice(31, 40).reverse().map((e) => e.position));
    expect(hurried.resumeAt).toBe(events[30].position + 1);
  });
});
