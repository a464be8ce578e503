import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import { ProjectorHarness } from './testing/projector-harness';
import { mixedWorkload } from './testing/workload';

// A worker that cannot run (it failed to start, or died mid-replay) must not fail the rebuild.
jest.mock('./rebuild/apply-in-worker', () => ({
  replayInWorker: () => Promise.reject(new Error('the rebuild worker exited (code 1)')),
}));

describe('ProjectorService rebuild without its worker', () => {
  it('applies the log in its own thread instead, with the same result, and says so', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'projector-fallback-'));
    const h = new ProjectorHarness({ maxDelayMs: 2, retryDelayMs: 10 }, path.join(dir, 'read-models.sqlite'));
    try {
      const { events } = mixedWorkload({ tasks: 3, executionsPerTask: 5 });
      await h.append(events);
      h.projector.start();
      await h.caughtUp();
      const live = h.store.dump();
      await expect(h.projector.rebuild()).resolves.toMatchObject({ events: events.length, position: live.checkpoint });
      expect(h.store.dump()).toEqual(live);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/rebuild worker failed \(the rebuild worker exited \(code 1\)\)/));
    } finally {
      await h.close();
      fs.rmSync(dir, { recursive: true, force: true });
      warn.mockRestore();
    }
  });
});
