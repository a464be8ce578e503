import {
  ANY,
  NO_STREAM,
  START,
  type AllStreamResolvedEvent,
  type EventData,
  type Position,
  type ReadPosition,
  type ResolvedEvent,
  type StreamState,
} from '@kurrent/kurrentdb-client';
import type { EventEnvelope, EventMetadata, RecordedEvent } from '@sched/contracts';
import type { ExpectedVersion } from '../event-store.port';

/**
 * Positions. KurrentDB (>= 20, gRPC) writes every event as its own record of the transaction log, implicitly committed,
 * and reports its $all position as { commit, prepare } = { L, L } with L the record's byte offset in the log. L is
 * unique per event and grows in $all order, so the port's position is simply Number(L); `{ after: p }` maps back to
 * { commit: p, prepare: p }, the exact position of that event, from which a subscription resumes exclusively (and a
 * read inclusively: the adapter drops the event at p). A log would need 8 PiB before L leaves the safe integer range.
 * Events written with the legacy TCP explicit transactions (commit != prepare) are not supported.
 */
export function toPortPosition(position: Position): number {
  const value = Number(position.prepare);
  if (!Number.isSafeInteger(value)) throw new RangeError(`KurrentDB position ${position.prepare} is beyond 2^53`);
  return value;
}

/** Where a read or subscription "after `after`" starts; 0 is before everything, i.e. the start of $all. */
export function fromPortPosition(after: number): ReadPosition {
  if (after <= 0) return START;
  const at = BigInt(after);
  return { commit: at, prepare: at };
}

/** The port's expected version as the client's stream state: -1 and 'no_stream' mean the same. */
export function toStreamState(expected: ExpectedVersion): StreamState {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream' || expected === -1) return NO_STREAM;
  return BigInt(expected);
}

/** Stream revisions are 0-based in both; bigint on the wire. */
export const toRevision = (revision: bigint): number => Number(revision);

/** The event as the client appends it: our id (a UUID) as the event id, the envelope metadata as its metadata JSON. */
export function toEventData(event: EventEnvelope): EventData {
  return {
    id: event.id,
    contentType: 'application/json',
    type: event.type,
    // The client JSON-encodes data; `undefined` would not encode, so it travels as null.
    data: (event.data ?? null) as EventData['data'],
    metadata: event.metadata as unknown as EventData['metadata'],
  } as EventData;
}

/**
 * A resolved event as the port's RecordedEvent, or undefined when it is not one of ours: a link without its event,
 * a system stream ($...), or a stream outside this store's namespace. The namespace prefix is stripped.
 */
export function toRecordedEvent(resolved: ResolvedEvent | AllStreamResolvedEvent, namespace: string): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event || event.streamId.startsWith('$') || !event.streamId.startsWith(namespace)) return undefined;
  if (!event.position) throw new Error(`KurrentDB returned event ${event.id} without a position: KurrentDB >= 22.6 is required`);
  return {
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: (event.metadata ?? {}) as EventMetadata,
    streamId: event.streamId.slice(namespace.length),
    revision: toRevision(event.revision),
    position: toPortPosition(event.position),
  };
}
