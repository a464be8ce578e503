import { auditVerifyQuerySchema, toExecutionStreamId, type AuditReport, type BrokenLink, type RecordedEvent } from '@sched/contracts';
import { EventFactory } from '../testing/event-factory';
import { ProjectorHarness } from '../testing/projector-harness';
import { auditPage } from './audit-page';
import { HistoryService } from './history.service';

describe('audit verify, a page at a time', () => {
  let h: ProjectorHarness;
  let history: HistoryService;
  /** Streams whose reads answer nothing, as a log whose messages of that stream were deleted. */
  const deleted = new Set<string>();

  beforeEach(async () => {
    deleted.clear();
    h = new ProjectorHarness();
    const read = h.eventStore.read.bind(h.eventStore);
    h.eventStore.read = async (streamId, options) => (deleted.has(streamId) ? [] : read(streamId, options));
    history = new HistoryService(h.eventStore, h.store, h.projector);
    const f = new EventFactory();
    f.created('au');
    f.created('other');
    for (let i = 0; i < 40; i++) {
      f.tick().due('au', `au@${i}`);
      f.due('other', `other@${i}`);
      f.started(`au@${i}`);
      f.succeeded(`au@${i}`, 1);
    }
    await h.append(f.events);
    h.projector.start();
    await h.caughtUp();
  });
  afterEach(() => h.close());

  async function allPages(taskId: string): Promise<AuditReport[]> {
    const pages: AuditReport[] = [];
    for (let after: number | undefined; ; ) {
      const page = await history.verify(auditVerifyQuerySchema.parse({ taskId, afterPosition: after }));
      pages.push(page);
      if (page.nextCursor === undefined) return pages;
      expect(page.nextCursor).toBeGreaterThan(after ?? -1);
      after = page.nextCursor;
    }
  }

  it('answers a task in one page within its time, and in pages (a batch each at least) when out of time, adding up to the same', async () => {
    const whole = await history.verify({ taskId: 'au' });
    expect(whole).toEqual({ ok: true, streams: 41, events: 1 + 40 * 3, unhashed: 1 + 40 * 3, broken: [] });
    history.auditTimeMs = 0;
    const pages = await allPages('au');
    expect(pages.map((page) => page.streams)).toEqual([16, 16, 9]);
    expect(pages.reduce((sum, page) => sum + page.events, 0)).toBe(whole.events);
    expect(pages.every((page) => page.ok)).toBe(true);
  });

  it('names a stream the read models know but the log lacks (deleted outright, not edited), on whichever page has it', async () => {
    history.auditTimeMs = 0;
    const gone = toExecutionStreamId('au@20');
    deleted.add(gone);
    const duePosition = h.store.execution('au@20')!.duePosition;
    const broken = (await allPages('au')).flatMap((page) => page.broken);
    expect(broken).toEqual([{ streamId: gone, revision: -1, eventId: '', position: duePosition, reason: 'stream-missing', expected: expect.any(String), actual: 'none in the log' }]);
    await expect(history.verify({ executionId: 'au@20' })).resolves.toMatchObject({ ok: false, streams: 1, broken: [{ streamId: gone, reason: 'stream-missing' }] });
    deleted.add('task-au');
    expect((await allPages('au')).flatMap((page) => page.broken).map((link) => link.streamId)).toEqual(['task-au', gone]);
  });

  it('is NOT_FOUND for what neither the read models nor the log know; a cursor is for a task only', async () => {
    await expect(history.verify({ taskId: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(history.verify({ executionId: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // Past the last stream: nothing left, not "no such task".
    await expect(history.verify({ taskId: 'au', afterPosition: Number.MAX_SAFE_INTEGER })).resolves.toMatchObject({ ok: true, streams: 0 });
    expect(() => auditVerifyQuerySchema.parse({ executionId: 'x', afterPosition: 5 })).toThrow(/afterPosition pages a task's audit/);
  });
});

describe('auditPage', () => {
  const streams = Array.from({ length: 100 }, (_, i) => ({ streamId: `s${i}`, reach: (i + 1) * 1000 }));
  const link = (streamId: string, position: number): BrokenLink => ({ streamId, revision: 0, eventId: 'e', position, reason: 'hash-mismatch', expected: 'x' });

  it('stops once the broken links fill an answer, its cursor where the last stream it verified starts', async () => {
    const read = async (streamId: string): Promise<BrokenLink> => link(streamId, Number(streamId.slice(1)));
    const page = await auditPage(streams, read, { timeMs: 60_000, maxBroken: 20 });
    expect(page).toMatchObject({ ok: false, streams: 32, nextCursor: 32_000 });
    expect(page.broken.map((b) => b.position)).toEqual([...Array(32).keys()]);
  });

  it('stops when its time is up, after the batch under way', async () => {
    let clock = 0;
    const read = async (): Promise<RecordedEvent[]> => ((clock += 100), []);
    const page = await auditPage(streams, read, { timeMs: 2_500, maxBroken: 1_000, now: () => clock });
    // 16 reads of 100 ms each per batch: past 2.5 s after the second.
    expect(page).toMatchObject({ streams: 32, nextCursor: 32_000 });
    expect(page.broken.every((b) => b.reason === 'stream-missing')).toBe(true);
  });
});
