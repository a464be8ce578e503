import { Logger } from '@nestjs/common';
import { EventFactory, T0 } from './testing/event-factory';
import { ProjectorHarness } from './testing/projector-harness';
import { mixedWorkload, type WorkloadShape } from './testing/workload';

/** The size of every batch the harness's store applies, in order. */
function recordBatchSizes(harness: ProjectorHarness): number[] {
  const sizes: number[] = [];
  const apply = harness.store.applyBatch;
  jest.spyOn(harness.store, 'applyBatch').mockImplementation((events) => (sizes.push(events.length), apply(events)));
  return sizes;
}

describe('ProjectorService', () => {
  let h: ProjectorHarness;
  beforeEach(() => (h = new ProjectorHarness()));
  afterEach(() => h.close());

  it('applies what was in the log before it started and what arrives after, in batches', async () => {
    const { events } = mixedWorkload();
    await h.append(events.slice(0, 40));
    h.projector.start();
    await h.append(events.slice(40));
    await h.caughtUp();
    expect(h.projector.position()).toBe(await h.eventStore.headPosition());
    expect(h.projector.eventsApplied()).toBe(events.length);
    expect(h.store.dump().executions).toHaveLength(24);
  });

  it('batches at most maxBatch events per transaction', async () => {
    const small = new ProjectorHarness({ maxBatch: 10 });
    const batchSizes = recordBatchSizes(small);
    const { events } = mixedWorkload();
    await small.append(events);
    small.projector.start();
    await small.caughtUp();
    expect(Math.max(...batchSizes)).toBe(10);
    expect(batchSizes.reduce((a, b) => a + b, 0)).toBe(events.length);
    await small.close();
  });

  it('holds live batches minBatchIntervalMs apart, unless a query waits for a position', async () => {
    const held = new ProjectorHarness({ minBatchIntervalMs: 400 });
    const batchSizes = recordBatchSizes(held);
    const { events } = mixedWorkload();
    // Polls rather than waitForPosition: a waiting query is exactly what releases a held batch.
    const until = async (position: number): Promise<void> => {
      while (held.projector.position() < position) await new Promise((resolve) => setTimeout(resolve, 2));
    };
    held.projector.start();
    await until(await held.append(events.slice(0, 1))); // idle: goes after maxDelayMs
    const sinceBatch = performance.now();
    await held.append(events.slice(1, 2));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await until(await held.append(events.slice(2, 3)));
    expect(performance.now() - sinceBatch).toBeGreaterThanOrEqual(380); // held back, then both in one batch
    expect(batchSizes).toEqual([1, 2]);
    const position = await held.append(events.slice(3, 4));
    const appended = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 30)); // delivered meanwhile, and held back
    await held.projector.waitForPosition(position, 5_000);
    expect(performance.now() - appended).toBeLessThan(300); // a reader waits: goes at once
    expect(batchSizes).toEqual([1, 2, 1]);
    await held.close();
  });

  it('resumes from its checkpoint after a stop, applying nothing twice', async () => {
    const { events } = mixedWorkload();
    await h.append(events.slice(0, 50));
    h.projector.start();
    await h.caughtUp();
    await h.projector.stop();
    await h.append(events.slice(50));
    expect(h.projector.position()).toBeLessThan(await h.eventStore.headPosition());
    h.projector.start();
    await h.caughtUp();
    const reference = new ProjectorHarness();
    await reference.append(events);
    reference.projector.start();
    await reference.caughtUp();
    expect(h.store.dump()).toEqual(reference.store.dump());
    await reference.close();
  });

  it('after a failed batch re-subscribes from the checkpoint: nothing lost, nothing applied twice', async () => {
    Logger.overrideLogger(false);
    await h.close();
    h = new ProjectorHarness({ maxBatch: 20 });
    const { events } = mixedWorkload();
    const apply = h.store.applyBatch;
    let calls = 0;
    jest.spyOn(h.store, 'applyBatch').mockImplementation((batch) => {
      if (++calls === 3) throw new Error('SQLITE_IOERR');
      return apply(batch);
    });
    await h.append(events);
    h.projector.start();
    await h.caughtUp();
    expect(calls).toBeGreaterThan(3);
    const counts = h.store.dump().tasks.map((t) => [t.count_total, t.count_succeeded, t.count_failed, t.count_running]);
    expect(counts).toEqual([
      [6, 3, 1, 1],
      [6, 2, 1, 1],
      [6, 2, 1, 1],
      [6, 3, 0, 1],
    ]);
  });

  it('a batch committed whose result was lost: a query waiting for its position goes ahead once it resumes from the checkpoint, with no further event', async () => {
    Logger.overrideLogger(false);
    const apply = h.store.applyBatch;
    let calls = 0;
    // Committed, then failed (two projectors on one DATA_DIR, a worker lost after its commit): the checkpoint moved.
    jest.spyOn(h.store, 'applyBatch').mockImplementation((batch) => {
      const position = apply(batch);
      if (++calls === 1) throw new Error('lost after the commit');
      return position;
    });
    const head = await h.append(mixedWorkload({ tasks: 1, executionsPerTask: 1 }).events);
    h.projector.start();
    await expect(h.projector.waitForPosition(head, 2_000)).resolves.toBeUndefined(); // was: UNAVAILABLE (idle log)
    expect(calls).toBe(1);
    expect(h.projector.position()).toBe(head);
  });

  it('rebuild replays the whole log into fresh tables: the dump is identical to the live-built one', async () => {
    const { events } = mixedWorkload({ tasks: 6, executionsPerTask: 10 });
    await h.append(events);
    h.projector.start();
    await h.caughtUp();
    const live = h.store.dump();
    const result = await h.projector.rebuild();
    expect(result).toMatchObject({ events: events.length, position: live.checkpoint });
    expect(h.store.dump()).toEqual(live);
    // and it keeps following the log afterwards
    await h.append([new EventFactory().created('late-task')]);
    await h.caughtUp();
    expect(h.store.task('late-task')).toMatchObject({ state: 'active' });
  });

  it('rebuilds a file-backed database in a worker thread, in batches, with the same result', async () => {
    const onFile = ProjectorHarness.onFile({ maxDelayMs: 2, retryDelayMs: 10, rebuildBatch: 50 });
    try {
      const { events, live, rebuilding } = await rebuildAfterLive(onFile, { tasks: 6, executionsPerTask: 10 });
      const reached: number[] = [];
      void onFile.projector.waitForPosition(live.checkpoint / 2).then(() => reached.push(onFile.projector.position()));
      const result = await rebuilding;
      expect(result).toMatchObject({ events: events.length, position: live.checkpoint });
      expect(onFile.store.dump()).toEqual(live);
      // A query waiting for a position went ahead once a batch had it, before the end.
      expect(reached[0]).toBeGreaterThanOrEqual(live.checkpoint / 2);
      expect(reached[0]).toBeLessThan(live.checkpoint);
      const indexes = onFile.store.db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL");
      expect((indexes.get() as { n: number }).n).toBeGreaterThanOrEqual(10); // built again after the replay
      await onFile.append([new EventFactory().created('late-task')]);
      await onFile.caughtUp();
      expect(onFile.store.task('late-task')).toMatchObject({ state: 'active' });
    } finally {
      await onFile.close();
    }
  });

  it('a stop during a rebuild in a worker ends the rebuild with an error and leaves the projector stopped', async () => {
    const onFile = ProjectorHarness.onFile({ maxDelayMs: 2, retryDelayMs: 10, rebuildBatch: 20 });
    try {
      const { live, rebuilding } = await rebuildAfterLive(onFile, { tasks: 10, executionsPerTask: 40 });
      await onFile.projector.waitForPosition(1); // the first batch is in: the replay is under way
      await onFile.projector.stop();
      await expect(rebuilding).rejects.toThrow('the projector stopped during the rebuild');
      const stoppedAt = onFile.projector.position();
      expect(stoppedAt).toBeLessThan(live.checkpoint);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(onFile.projector.position()).toBe(stoppedAt); // nothing started it again
      onFile.projector.start(); // and a start goes on from the checkpoint the worker left
      await onFile.caughtUp();
      expect(onFile.store.dump()).toEqual(live);
    } finally {
      await onFile.close();
    }
  });

  it('waitForPosition resolves once the position is applied, and times out with UNAVAILABLE', async () => {
    h.projector.start();
    const { events } = mixedWorkload({ tasks: 1, executionsPerTask: 1 });
    const waiting = h.projector.waitForPosition(5_000, 5000);
    await expect(h.projector.waitForPosition(10_000_000, 30)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/read model is behind/),
    });
    await h.append(events);
    await expect(waiting).resolves.toBeUndefined();
    expect(h.projector.position()).toBeGreaterThanOrEqual(5_000);
    expect(h.store.task('task-000')).toMatchObject({ createdAt: T0 + 10 });
  });
});

/** Builds the read models live from a workload, then starts a rebuild and waits until it has reset the tables. */
async function rebuildAfterLive(harness: ProjectorHarness, shape: WorkloadShape) {
  const { events } = mixedWorkload(shape);
  const live = await harness.liveDump(events);
  const rebuilding = harness.projector.rebuild();
  while (harness.projector.position() > 0) await new Promise((resolve) => setImmediate(resolve));
  return { events, live, rebuilding };
}
