import { LruCache } from '../lru-cache';

/**
 * What the shared tail has seen of the log without a gap since it (re)started: the last commit of each stream it
 * delivered, and when the newest commit it delivered was stored. From that it can vouch that a stream ended at a
 * given commit as of a recent moment — the executor then starts a backlogged attempt from the TaskDue commit it was
 * delivered instead of reading the stream first (a read per execution under a backlog: worth at most ~15% of the
 * throughput when every start skipped it, a few percent measured with this check).
 * Only the tail writes here, in log order, so a stream's entry never moves back; an entry evicted is simply unknown.
 * Off until `track()`: a process without an executor (relay, projector, timer on their own) would keep an LRU
 * write per commit and up to `capacity` entries that nobody asks about. Turning it on while the tail runs is
 * safe: a stream's entry is then its last commit since, and a stream not seen since is unknown.
 */
export class TailCoverage {
  private lastSeqOf: LruCache<string, number>;
  /**
   * When the newest commit delivered was stored, 0 before any: the server's clock, compared with ours as a fresh
   * delivery's age is (work-sources.ts), so skew between the hosts moves the window by as much.
   */
  private newestStoredMs = 0;
  private tracking = false;

  constructor(private readonly capacity: number) {
    this.lastSeqOf = new LruCache(capacity);
  }

  /** From now on, remember what the tail delivers (until then `endsAt` is false). */
  track(): void {
    this.tracking = true;
  }

  /** The tail starts over, possibly further on: what lay between was not seen, so nothing seen before counts. */
  reset(): void {
    this.lastSeqOf = new LruCache(this.capacity);
    this.newestStoredMs = 0;
  }

  saw(streamId: string, seq: number, storedMs: number): void {
    if (!this.tracking) return;
    this.lastSeqOf.set(streamId, seq);
    this.newestStoredMs = storedMs;
  }

  /**
   * True when the last commit of `streamId` the tail delivered is `seq` and the tail has delivered the log up to a
   * commit stored at most `maxAgeMs` before `nowMs`: any later commit of the stream was stored within that window.
   */
  endsAt(streamId: string, seq: number, maxAgeMs: number, nowMs: number): boolean {
    return nowMs - this.newestStoredMs <= maxAgeMs && this.lastSeqOf.get(streamId) === seq;
  }
}
