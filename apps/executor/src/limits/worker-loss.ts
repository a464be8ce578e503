/** What the worker registry answers: is a worker id refreshing its entry, and can its entries be trusted yet? */
export interface WorkerLiveness {
  isAlive(workerId: string): Promise<boolean>;
  /** This process's connection came back from an outage within `ms` (entries may have expired meanwhile). */
  reconnectedWithin(ms: number): boolean;
}

/**
 * What to do with the work item of an attempt that another worker is recorded as running:
 *  - leave: its worker is alive and holds the item (a redelivery: nak it for `graceMs`, which the worker's next
 *    in-progress ack overrides, its end acks it) or a duplicate publish (a first delivery: ack it);
 *  - wait: look again after `retryInMs` (nak with that delay);
 *  - lost: the attempt never ends by itself: record WorkerLost (`why`) and ack.
 */
export type WorkerVerdict = { readonly kind: 'leave' } | { readonly kind: 'wait'; readonly retryInMs: number } | { readonly kind: 'lost'; readonly why: string };

/** Suspicions this old are forgotten: the item went to another executor, which judges it itself. */
const FORGET_AFTER_FACTOR = 10;

/**
 * Judges whether the worker a running attempt names is gone. A redelivered item used to mean "its worker stopped
 * heartbeating", but nats-server redelivers every pending item whose ack wait passed while it was down: after an
 * outage longer than the ack wait, live workers' attempts were recorded WorkerLost and run a second time beside
 * them. So a redelivery is judged by the worker registry too, with two allowances:
 *  - the registry comes back from the same outage with entries expired, until each worker's next refresh: a worker
 *    missing from it just after this process reconnected is looked for again after `graceMs` (two refreshes) before
 *    it is called lost (a first delivery too: the relay may publish an attempt's item again as the outage ends);
 *  - a worker that is alive yet does not hold the item (it runs again under the same INSTANCE_ID after a crash)
 *    would keep it redelivered for good: the second redelivery this executor sees while the worker is alive means
 *    the worker's in-progress acks are not holding it, so it is lost then.
 */
export class WorkerLossJudge {
  /** Attempts whose worker was missing from the registry: when first seen missing. */
  private readonly missingSince = new Map<string, number>();
  /** Redelivered attempts left once to their live worker. */
  private readonly leftOnce = new Map<string, number>();

  constructor(
    private readonly registry: WorkerLiveness,
    private readonly ownWorkerId: string,
    private readonly graceMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * `attemptKey`: the execution and attempt. `redelivered`: the attempt's own item came back (its worker's
   * in-progress acks stopped), as opposed to a first delivery (a duplicate publish, or an attempt imported from
   * another store). The caller knows the attempt does not run in this process.
   */
  async judge(attemptKey: string, workerId: string | undefined, redelivered: boolean): Promise<WorkerVerdict> {
    this.forgetOld();
    if (workerId === this.ownWorkerId) {
      return { kind: 'lost', why: `worker ${workerId} (this process's id) does not run it: an earlier process with the same id stopped` };
    }
    if (workerId !== undefined && (await this.registry.isAlive(workerId))) {
      this.missingSince.delete(attemptKey);
      if (!redelivered) return { kind: 'leave' };
      if (!this.leftOnce.has(attemptKey)) {
        this.leftOnce.set(attemptKey, this.now());
        return { kind: 'leave' };
      }
      this.leftOnce.delete(attemptKey);
      return { kind: 'lost', why: `worker ${workerId} is alive but no longer holds the attempt (its item came back twice)` };
    }
    if (!this.registry.reconnectedWithin(this.graceMs) && !this.missingSince.has(attemptKey)) return this.lostNow(workerId);
    const since = this.missingSince.get(attemptKey) ?? this.now();
    this.missingSince.set(attemptKey, since);
    const waited = this.now() - since;
    if (waited < this.graceMs) return { kind: 'wait', retryInMs: this.graceMs - waited };
    this.missingSince.delete(attemptKey);
    return this.lostNow(workerId);
  }

  private lostNow(workerId: string | undefined): WorkerVerdict {
    return { kind: 'lost', why: `worker ${workerId} is not running here (no heartbeat in the worker registry): its attempt never ends by itself` };
  }

  private forgetOld(): void {
    const before = this.now() - this.graceMs * FORGET_AFTER_FACTOR;
    for (const marks of [this.missingSince, this.leftOnce]) {
      if (marks.size < 64) continue; // a handful of entries cost nothing; sweep only when they add up
      for (const [attemptKey, at] of marks) if (at < before) marks.delete(attemptKey);
    }
  }
}
