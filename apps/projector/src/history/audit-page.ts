import type { AuditReport, BrokenLink, RecordedEvent } from '@sched/contracts';
import { verifyStream } from '@sched/event-store';
import type { StreamReach } from './history-page';

/**
 * How long one audit request verifies streams before it answers with what it verified and where to go on: a task
 * with 60k executions took ~20 s in one answer, past the caller's 10 s timeout, and ran on after it gave up.
 */
export const AUDIT_TIME_MS = 2_000;
/** Broken links one answer carries at most (~250 bytes each: a log tampered with throughout stays within max payload). */
export const AUDIT_MAX_BROKEN = 1_000;
/** Streams read at once. */
const AUDIT_PARALLELISM = 16;

/** A stream's events, or the link that stops it from being read (a message on its subject that is no event commit). */
export type AuditRead = (streamId: string) => Promise<readonly RecordedEvent[] | BrokenLink>;

export interface AuditLimits {
  readonly timeMs: number;
  readonly maxBroken: number;
  readonly now?: () => number;
}

/**
 * Verifies `streams` (in the order they start in the log) a batch at a time until they are done, the time is up or
 * the broken links fill an answer; `nextCursor` is then where the last verified stream starts. A stream the read
 * models know but the log lacks altogether (deleted, not just edited) is a broken link of its own; the task's own
 * stream is `optional` (its absence is told by the caller: no such task).
 */
export async function auditPage(streams: readonly StreamReach[], read: AuditRead, limits: AuditLimits, optional?: string): Promise<AuditReport> {
  const now = limits.now ?? Date.now;
  const deadline = now() + limits.timeMs;
  const broken: BrokenLink[] = [];
  let [verified, streamCount, events, unhashed] = [0, 0, 0, 0];
  // A batch at least, whatever the time: every answer moves its cursor on.
  while (verified < streams.length && (verified === 0 || (now() < deadline && broken.length < limits.maxBroken))) {
    const batch = streams.slice(verified, verified + AUDIT_PARALLELISM);
    const results = await Promise.all(batch.map((stream) => read(stream.streamId)));
    for (const [i, result] of results.entries()) {
      const verification: { events: number; unhashed: number; broken?: BrokenLink } = Array.isArray(result)
        ? { ...verifyStream(result) }
        : { events: 0, unhashed: 0, broken: result as BrokenLink };
      if (verification.events === 0 && !verification.broken) {
        if (batch[i].streamId === optional) continue;
        verification.broken = missingStream(batch[i]);
      }
      streamCount += 1;
      events += verification.events;
      unhashed += verification.unhashed;
      if (verification.broken) broken.push(verification.broken);
    }
    verified += batch.length;
  }
  broken.sort((a, b) => a.position - b.position);
  const rest = verified < streams.length ? { nextCursor: streams[verified - 1].reach } : {};
  return { ok: broken.length === 0, streams: streamCount, events, unhashed, broken, ...rest };
}

function missingStream(stream: StreamReach): BrokenLink {
  const { streamId, reach: position } = stream;
  return { streamId, revision: -1, eventId: '', position, reason: 'stream-missing', expected: 'the events the read models were built from', actual: 'none in the log' };
}
