import type { Serializer } from '@nestjs/microservices';
import { ErrorCode, errorReply, okReply, type ErrorBody, type Reply } from '@sched/contracts';

interface OutgoingPacket {
  readonly id?: string;
  readonly response?: unknown;
  readonly err?: unknown;
  readonly status?: string;
  readonly isDisposed?: boolean;
}

const isErrorBody = (value: unknown): value is ErrorBody =>
  typeof value === 'object' && value !== null && 'code' in value && 'message' in value;

/**
 * The reply sent instead of one that would not fit in a NATS message: INTERNAL, as no retry fits it either (every
 * query is meant to hold its reply to a budget below max_payload; one that does not is a fault to fix).
 */
export const oversizedReply = (subject: string, bytes: number, max: number): ErrorBody => ({
  code: ErrorCode.INTERNAL,
  message: `${subject}: the reply of ${bytes} bytes is over the NATS max_payload of ${max} bytes, so it cannot be sent`,
  details: { limit: 'max_payload', max, actual: bytes, subject },
});

/** Turns Nest's outgoing packet into our wire reply: exactly `{ ok, result }` or `{ ok: false, error }`. */
export class PlainJsonReplySerializer implements Serializer {
  serialize(packet: OutgoingPacket): { data: string } {
    return { data: JSON.stringify(toReply(packet)) };
  }
}

function toReply(packet: OutgoingPacket): Reply<unknown> {
  if (packet.err !== undefined && packet.err !== null) {
    if (isErrorBody(packet.err)) return errorReply({ ...packet.err, details: packet.err.details ?? {} });
    // Nest's own errors (e.g. "There is no matching message handler defined") arrive as strings.
    return errorReply({ code: ErrorCode.NOT_FOUND, message: String(packet.err), details: {} });
  }
  return okReply(packet.response ?? null);
}
