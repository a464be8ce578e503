/**
 * Worker-thread entry of an apply worker (see apply-worker.ts): owns its own connection to the read-model database
 * and applies the batches the projector's thread reads from the log, so reading and applying run side by side.
 */
import '../../../register-aliases';
import { parentPort, workerData } from 'node:worker_threads';
import type { RecordedEvent } from '@sched/contracts';
import { ReadModelStore } from '../store/read-model.store';
import type { ApplyReply, ApplyRequest, ApplyWorkerData } from './apply-protocol';

const { file, deferIndexes } = workerData as ApplyWorkerData;
const store = ReadModelStore.open(file);
if (deferIndexes) store.deferIndexes();

const reply = (message: ApplyReply): void => parentPort!.postMessage(message);

parentPort!.on('message', (request: ApplyRequest) => {
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
