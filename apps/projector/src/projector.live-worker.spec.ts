import { Logger } from '@nestjs/common';
import { ApplyWorker, BatchFailedError } from './apply/apply-worker';
import { ProjectorHarness } from './testing/projector-harness';
import { mixedWorkload } from './testing/workload';

// Live batches on a database file go to a worker thread; what it builds must be what this thread would have built,
// whatever happens to the worker.
describe('ProjectorService applying live batches in a worker thread', () => {
  let h: ProjectorHarness;
  let reference: ProjectorHarness;
  const { events } = mixedWorkload({ tasks: 6, executionsPerTask: 12 });

  beforeAll(async () => {
    reference = new ProjectorHarness(); // in memory: applied in its own thread
    await reference.liveDump(events);
  });
  afterAll(() => reference.close());
  beforeEach(() => (h = ProjectorHarness.onFile({ maxBatch: 25 })));
  afterEach(async () => {
    await h.close();
    jest.restoreAllMocks();
  });

  it('applies them in the worker, queries in this thread see each batch, the result is the in-thread one', async () => {
    const inThisThread = jest.spyOn(h.store, 'applyBatch');
    await h.append(events.slice(0, 100));
    h.projector.start();
    expect(h.projector.appliesInWorker()).toBe(true);
    await h.caughtUp();
    expect(h.store.checkpoint()).toBe(h.projector.position()); // this thread's connection sees the worker's commits
    await h.append(events.slice(100));
    await h.caughtUp();
    expect(inThisThread).not.toHaveBeenCalled();
    expect(h.projector.eventsApplied()).toBe(events.length);
    expect(h.store.dump()).toEqual(reference.store.dump());
  });

  it('a batch the worker fails changes nothing: the projector re-reads from the checkpoint, nothing lost or doubled', async () => {
    Logger.overrideLogger(false);
    const apply = ApplyWorker.prototype.apply;
    let calls = 0;
    jest.spyOn(ApplyWorker.prototype, 'apply').mockImplementation(function (this: ApplyWorker, batch) {
      if (++calls === 3) return Promise.reject(new BatchFailedError('SQLITE_IOERR'));
      return apply.call(this, batch);
    });
    await h.append(events);
    h.projector.start();
    await h.caughtUp();
    expect(calls).toBeGreaterThan(3);
    expect(h.projector.appliesInWorker()).toBe(true); // a failed batch is no reason to give the worker up
    expect(h.store.dump()).toEqual(reference.store.dump());
  });

  it('when the worker dies, this thread applies the rest (its last batch again), says so, and the result is the same', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const apply = ApplyWorker.prototype.apply;
    let calls = 0;
    jest.spyOn(ApplyWorker.prototype, 'apply').mockImplementation(function (this: ApplyWorker, batch) {
      // The fourth batch is committed by the worker, which then dies before it can answer.
      if (++calls !== 4) return apply.call(this, batch);
      return apply.call(this, batch).then(() => (this as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate().then(() => apply.call(this, batch)));
    });
    await h.append(events);
    h.projector.start();
    await h.caughtUp();
    expect(h.projector.appliesInWorker()).toBe(false);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/apply worker stopped \(Error: the apply worker exited \(code 1\)\); applying in this thread/));
    expect(h.store.dump()).toEqual(reference.store.dump());
  });

  it('stop waits for the batch in the worker, and a restart goes on from its checkpoint', async () => {
    await h.append(events.slice(0, 150));
    h.projector.start();
    await h.projector.waitForPosition(1, 5000);
    await h.projector.stop();
    const stoppedAt = h.projector.position();
    expect(h.store.checkpoint()).toBe(stoppedAt); // nothing still landing after stop returned
    await h.append(events.slice(150));
    h.projector.start();
    await h.caughtUp();
    expect(h.store.dump()).toEqual(reference.store.dump());
  });
});
