/**
 * Worker-thread entry of the standalone's executor (STANDALONE_EXECUTOR_THREAD=true, see executor-thread.module.ts):
 * the executor service with its own NATS connection and event store client, on this thread's event loop.
 */
import '../../register-aliases';
import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '@sched/contracts';
import { SchedMetrics, startService, type SchedConfig } from '@sched/messaging';
import { ExecutorModule } from '../../executor/src/executor.module';
import type { ExecutorThreadReply, ExecutorThreadRequest } from './executor-thread.module';

const post = (message: ExecutorThreadReply): void => parentPort!.postMessage(message);
const failure = (error: unknown): ExecutorThreadReply => ({ type: 'failed', message: errorMessage(error) });

startService(workerData as SchedConfig, [ExecutorModule], { name: 'sched', shutdownHooks: false }).then(
  (app) => {
    const metrics = app.get(SchedMetrics, { strict: false });
    parentPort!.on('message', (request: ExecutorThreadRequest) => {
      if (request.type === 'metrics') {
        void metrics.ownMetrics().then((json) => post({ type: 'metrics', id: request.id, metrics: json }));
        return;
      }
      void app.close().then(() => post({ type: 'closed' }), (error: unknown) => post(failure(error)));
    });
    post({ type: 'ready' });
  },
  (error: unknown) => post(failure(error)),
);
