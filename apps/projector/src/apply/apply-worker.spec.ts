import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RecordedEvent } from '@sched/contracts';
import { ApplyWorker } from './apply-worker';

describe('ApplyWorker', () => {
  it('a batch the thread cannot be sent is refused, and the worker still answers and closes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apply-worker-'));
    const worker = new ApplyWorker(path.join(dir, 'read-models.db'), { deferIndexes: false });
    try {
      // A value the structured clone cannot copy: postMessage throws before anything is sent.
      const uncloneable = [{ data: { f: () => undefined } }] as unknown as RecordedEvent[];
      await expect(worker.apply(uncloneable)).rejects.toThrow(/could not be cloned/);
      expect(await worker.apply([])).toEqual(expect.any(Number)); // the next reply answers the next request
    } finally {
      await worker.close(); // hung for good: the close's reply went to the refused batch's place in the queue
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
