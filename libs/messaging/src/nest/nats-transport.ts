import type { MicroserviceOptions } from '@nestjs/microservices';
import type { SchedConfig } from '../config';
import { natsCredentialOptions } from '../security/nats-credentials';
import { PlainJsonRequestDeserializer } from './request.deserializer';
import { PlainJsonReplySerializer } from './reply.serializer';
import { SchedNatsServer } from './sched-nats-server';
import type { ServingGate } from './serving-gate';

/** Nest's NATS transport speaking our plain JSON contract, with each service in its own queue group. */
export function schedNatsTransport(config: SchedConfig, queue: string, gate?: ServingGate): MicroserviceOptions {
  return {
    strategy: new SchedNatsServer({
      servers: config.natsUrl.split(','),
      name: `${queue}:${config.instanceId}`,
      queue,
      serializer: new PlainJsonReplySerializer(),
      deserializer: new PlainJsonRequestDeserializer(),
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      ...natsCredentialOptions(config.natsCredentials),
    }, gate),
  };
}
