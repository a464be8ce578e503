import type { ProjectorService } from '../projector.service';
import { ErrorCode, SchedError } from '@sched/contracts';

/** The contracts promise `minPosition` waits at most this long (queries.ts). */
export const MIN_POSITION_WAIT_MS = 5000;

/** Read-your-writes: a caller that got `position` from a command waits until the tables include it. */
export async function caughtUpTo(projector: ProjectorService, minPosition: number | undefined): Promise<void> {
  if (minPosition === undefined) return;
  try {
    await projector.waitForPosition(minPosition, MIN_POSITION_WAIT_MS);
  } catch (error) {
    // Not reached in time: the read models are behind, or no event has that position (the caller's mistake, said
    // as such; looked up only now, as a position may be asked for just before its write is acknowledged).
    const head = await projector.headPosition().catch(() => undefined);
    if (head === undefined || minPosition <= head) throw error;
    const message = `minPosition ${minPosition} is past the log's head (${head}): take it from a command's reply (position)`;
    throw new SchedError(ErrorCode.VALIDATION, message, { issues: [{ path: 'minPosition', message }], head });
  }
}

/**
 * One row by its id. A miss waits once for the read models to reach the log's head before it counts as not found:
 * a get straight after the create (a script's POST then GET, a link opened as the task is made) finds what was
 * committed before it asked, with or without a `minPosition`; only a miss pays for the head lookup.
 */
export async function findOne<T>(projector: ProjectorService, minPosition: number | undefined, read: () => T | null | undefined): Promise<T | null | undefined> {
  await caughtUpTo(projector, minPosition);
  const found = read();
  if (found !== undefined && found !== null) return found;
  await projector.waitForPosition(await projector.headPosition(), MIN_POSITION_WAIT_MS);
  return read();
}
