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
