import { AckPolicy, DeliverPolicy, JetStreamApiCodes, JetStreamApiError, type ConsumerConfig, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { MAX_BACKFILL_OCCURRENCES, type RecordedEvent } from '@sched/contracts';
import { SUBJECT_PREFIX, decodeCommit, isStreamStart, toRecordedEvents } from './commit-codec';

/**
 * The durable consumer through which executors take first attempts straight from the event log (ARCHITECTURE.md,
 * write budget: dispatch adds a read, not a write). Every executor process pulls from it (competing consumers);
 * a delivery is acked once the attempt's end is committed, and one left unacked (a dead worker) comes back after
 * the ack wait, as a work-queue item would.
 */
export const LOG_DISPATCH_CONSUMER = 'sched-dispatch';
const EXECUTION_SUBJECTS = `${SUBJECT_PREFIX}.execution.>`;
/** JetStream's error code for a consumer that does not exist (never made, or deleted). */
export const CONSUMER_NOT_FOUND = JetStreamApiCodes.ConsumerNotFound;
/**
 * Deliveries awaiting their ack at once, over all executors: attempts in flight, commits being passed over, and the
 * executions each executor holds in its tasks' lines (overlap queue, behind maxConcurrent) until their turn. Room for
 * five full backfills behind a limit with the rest of the work still delivered; each held execution costs its
 * executor ~3 KB. At 10,000, one backfill filled it, and no other task's execution was delivered until one of the
 * backfill's ended. The work queue's consumer has the same.
 */
export const DISPATCH_MAX_ACK_PENDING = 5 * MAX_BACKFILL_OCCURRENCES;

/** Where log dispatch begins: TaskDue commits at this sequence and after are the consumer's, earlier ones the relay's. */
export interface LogDispatch {
  readonly startSeq: number;
}

const startOf = (config: Partial<ConsumerConfig>): LogDispatch => ({ startSeq: config.opt_start_seq ?? 1 });

/**
 * Creates the dispatch consumer if it does not exist yet, starting after the log's last commit; idempotent and safe
 * from every process at once (the first creation fixes the start, everyone reads it back). A system that used to
 * dispatch every TaskDue through the work queue therefore switches over at one sequence: what the log held before
 * the consumer existed is still the relay's to enqueue (it may not have got to it yet), nothing after it is, so no
 * first attempt is dispatched twice or not at all.
 */
export async function ensureLogDispatch(jsm: JetStreamManager, streamName: string, ackWaitMs: number, resumeAfterSeq?: number): Promise<LogDispatch> {
  const existing = await consumerInfo(jsm, streamName);
  if (existing) return existing;
  // Made again after it was deleted: from the last ack floor seen, so no TaskDue committed meanwhile goes undelivered
  // (what was done already is delivered again and passed over: its stream says it started).
  const lastSeq = resumeAfterSeq ?? (await jsm.streams.info(streamName)).state.last_seq;
  try {
    const created = await jsm.consumers.add(streamName, {
      durable_name: LOG_DISPATCH_CONSUMER,
      filter_subject: EXECUTION_SUBJECTS,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: lastSeq + 1,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(ackWaitMs),
      max_ack_pending: DISPATCH_MAX_ACK_PENDING,
    });
    return startOf(created.config);
  } catch (error) {
    // Another process created it between our look and our add (with its own start): theirs is the one.
    const raced = await consumerInfo(jsm, streamName);
    if (raced) return raced;
    throw error;
  }
}

async function consumerInfo(jsm: JetStreamManager, streamName: string): Promise<LogDispatch | undefined> {
  try {
    const { config } = await jsm.consumers.info(streamName, LOG_DISPATCH_CONSUMER);
    await raiseMaxAckPending(jsm, streamName, LOG_DISPATCH_CONSUMER, config);
    return startOf(config);
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === CONSUMER_NOT_FOUND) return undefined;
    throw error;
  }
}

/**
 * The events of a stream's first commit (an execution's TaskDue, and a TaskSkipped with it when the task was
 * paused), when the message is one; undefined for any later commit, which is passed over without being decoded.
 */
export function streamStartEvents(message: { readonly subject: string; readonly seq: number; readonly data: Uint8Array }): RecordedEvent[] | undefined {
  if (!isStreamStart(message.data)) return undefined;
  return toRecordedEvents(message.subject, message.seq, decodeCommit(message.subject, message.seq, message.data));
}

/**
 * A consumer made with a smaller max_ack_pending (before DISPATCH_MAX_ACK_PENDING grew) is given the new one; it
 * keeps the old where the server refuses the update (it works as before).
 */
export async function raiseMaxAckPending(jsm: JetStreamManager, streamName: string, consumerName: string, config: Partial<ConsumerConfig>): Promise<void> {
  if ((config.max_ack_pending ?? 0) >= DISPATCH_MAX_ACK_PENDING) return;
  await jsm.consumers.update(streamName, consumerName, { max_ack_pending: DISPATCH_MAX_ACK_PENDING }).catch(() => undefined);
}
