/**
 * `work`'s outcome, or the error `timedOut()` makes once `ms` have passed first. The timer never outlives the race.
 * For calls that could hang on a peer that is gone (a health check, a KurrentDB read, a lease hand-over at shutdown).
 */
export function within<T>(work: Promise<T>, ms: number, timedOut: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut()), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
