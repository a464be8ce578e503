import { Logger } from '@nestjs/common';
import { ProjectorHarness } from './testing/projector-harness';
import { mixedWorkload } from './testing/workload';

// A worker that cannot run (it failed to start, or died mid-replay) must not fail the rebuild.
jest.mock('./rebuild/replay-in-worker', () => ({
  replayInWorker: () => Promise.reject(new Error('the rebuild worker exited (code 1)')),
}));

describe('ProjectorService rebuild without its worker', () => {
  it('applies the log in its own thread instead, with the same result, and says so', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const h = ProjectorHarness.onFile({ maxDelayMs: 2, retryDelayMs: 10 });
    try {
      const { events } = mixedWorkload({ tasks: 3, executionsPerTask: 5 });
      const live = await h.liveDump(events);
      await expect(h.projector.rebuild()).resolves.toMatchObject({ events: events.length, position: live.checkpoint });
      expect(h.store.dump()).toEqual(live);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/rebuild worker failed \(the rebuild worker exited \(code 1\)\)/));
    } finally {
      await h.close();
      warn.mockRestore();
    }
  });
});
