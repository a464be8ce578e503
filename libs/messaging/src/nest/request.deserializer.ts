import type { ConsumerDeserializer, IncomingRequest } from '@nestjs/microservices';
import type { Msg } from '@nats-io/transport-node';
import { MAX_JSON_DEPTH, MAX_REQUEST_BYTES, OverNestedPayload, OversizedPayload, UndecodablePayload, nestsDeeperThan } from '@sched/contracts';

/**
 * Our subjects speak plain JSON (`nats req sched.cmd.task.create '{...}'`), not Nest's `{ pattern, data, id }`
 * envelope. A message with a reply subject is a request; the reply subject is its id. A body that is not JSON
 * is handed on as `UndecodablePayload`, so the handler answers BAD_REQUEST instead of Nest dropping it.
 */
export class PlainJsonRequestDeserializer implements ConsumerDeserializer {
  deserialize(message: Msg, options?: { channel?: string; replyTo?: string }): IncomingRequest {
    const id = message.reply ?? (undefined as unknown as string);
    const pattern = options?.channel ?? message.subject;
    // Not even parsed: a huge body costs no JSON work before it is refused.
    if (message.data.length > MAX_REQUEST_BYTES) return { pattern, data: new OversizedPayload(message.data.length), id };
    const raw = message.string();
    let data: unknown;
    try {
      data = raw.trim() === '' ? {} : JSON.parse(raw);
      if (nestsDeeperThan(data, MAX_JSON_DEPTH)) data = new OverNestedPayload();
    } catch (error) {
      data = new UndecodablePayload(raw.slice(0, 200), (error as Error).message);
    }
    return { pattern: options?.channel ?? message.subject, data, id: message.reply ?? (undefined as unknown as string) };
  }
}
