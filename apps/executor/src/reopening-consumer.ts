import { JetStreamApiError, type Consumer } from '@nats-io/jetstream';
import { CONSUMER_NOT_FOUND } from '@sched/event-store';

/** How often the consumer's ack floor is noted while it pulls: where a remade one starts again. */
const FLOOR_EVERY_MS = 5_000;

/**
 * A durable consumer an executor pulls from, made again when it is found deleted (an operator's mistake, or a
 * credential misused: the executor role may call the JetStream API). Before, the executor logged "consumer deleted"
 * and missed heartbeats forever, and what was committed meanwhile was never dispatched. `open(afterSeq)` makes (or
 * finds) it; `afterSeq` is the last ack floor seen, so the new one delivers again what may not have been done.
 */
export class ReopeningConsumer {
  private ackFloor: number | undefined;
  private notedAtMs = 0;

  /** `current` as start-up opened it; `open` makes (or finds) it again after it was deleted. */
  constructor(
    private current: Consumer,
    private readonly open: (afterSeq: number | undefined) => Promise<Consumer>,
  ) {}

  get consumer(): Consumer {
    return this.current;
  }

  /** Notes the ack floor now and then (one info request every few seconds). */
  async noteFloor(nowMs = Date.now()): Promise<void> {
    if (nowMs - this.notedAtMs < FLOOR_EVERY_MS) return;
    this.notedAtMs = nowMs;
    const info = await this.current.info(false).catch(() => undefined);
    if (info) this.ackFloor = info.ack_floor.stream_seq;
  }

  /**
   * After a failed pull: true when the consumer was gone and is made again (the caller pulls from it at once).
   * `pullError` is what the pull failed with: nats-server 2.9 tells an open pull "consumer deleted" before it takes
   * the consumer off its stream, so an info asked at once still finds it; after that answer this waits (up to
   * DELETION_WAIT_MS) for the consumer to be gone rather than take it for alive (seen: the executor then pulled from
   * the deleted consumer for good, "heartbeats missed" every second, and nothing new was dispatched).
   */
  async reopenIfDeleted(pullError?: unknown): Promise<boolean> {
    const deadline = isDeletedStatus(pullError) ? Date.now() + DELETION_WAIT_MS : 0;
    while (!(await this.missing())) {
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    this.current = await this.open(this.ackFloor);
    return true;
  }

  private missing(): Promise<boolean> {
    return this.current.info(false).then(
      () => false,
      (error: unknown) => error instanceof JetStreamApiError && error.code === CONSUMER_NOT_FOUND,
    );
  }
}

/** How long a consumer the server said was deleted may still answer its info (the server is removing it). */
const DELETION_WAIT_MS = 5_000;

/** nats.js's JetStreamStatusError for the 409 "consumer deleted" (the class is not on the package's public exports). */
const isDeletedStatus = (error: unknown): boolean =>
  error instanceof Error && error.name === 'JetStreamStatusError' && (error as { code?: unknown }).code === 409 && /consumer deleted/i.test(error.message);
