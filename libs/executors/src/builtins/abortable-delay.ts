import { ExecutorError } from '../task-executor';

/** Waits `ms`, or rejects (type Aborted) as soon as the attempt's signal is aborted. */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new ExecutorError('aborted', 'Aborted', false));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new ExecutorError('aborted', 'Aborted', false));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
