/**
 * Worker-thread entry of a rebuild (see apply-in-worker.ts): owns its own connection to the read-model database
 * and applies the batches the projector's thread reads from the log, so reading and applying run side by side.
 */
import '../../../register-aliases';
import { parentPort, workerData } from 'node:worker_threads';
import type { RecordedEvent } from '@sched/contracts';
import { ReadModelStore } from '../store/read-model.store';
import type { RebuildReply, RebuildRequest, RebuildWorkerData } from './rebuild-protocol';

const { file } = workerData as RebuildWorkerData;
const store = ReadModelStore.open(file);
// The projector's thread reset the tables and holds the deferred index list; opening recreated the indexes on the
// empty tables, so leave them out again until that thread builds them after the replay.
store.deferIndexes();

const reply = (message: RebuildReply): void => parentPort!.postMessage(message);

parentPort!.on('message', (request: RebuildRequest) => {
  if (request.type === 'close') {
    store.close();
    reply({ type: 'closed' });
    return;
  }
  try {
    reply({ type: 'applied', position: store.applyBatch(request.events as RecordedEvent[]) });
  } catch (error) {
    reply({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
