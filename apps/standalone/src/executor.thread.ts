/**
 * Worker-thread entry of the standalone's executor (STANDALONE_EXECUTOR_THREAD=true, see executor-thread.module.ts):
 * the executor service with its own NATS connection and event store client, on this thread's event loop.
 */
import '../../register-aliases';
import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import { startService, type SchedConfig } from '@sched/messaging';
import { ExecutorModule } from '../../executor/src/executor.module';
import type { ExecutorThreadMessage } from './executor-thread.module';

const post = (message: ExecutorThreadMessage): void => parentPort!.postMessage(message);

startService(workerData as SchedConfig, [ExecutorModule], { queue: 'sched', shutdownHooks: false }).then(
  (app) => {
    parentPort!.once('message', () => {
      void app.close().then(
        () => post({ type: 'closed' }),
        (error: unknown) => post({ type: 'failed', message: String(error) }),
      );
    });
    post({ type: 'ready' });
  },
  (error: unknown) => post({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
);
