import type { MicroserviceOptions } from '@nestjs/microservices';
import type { SchedConfig } from '../config';
import { natsCredentialOptions } from '../security/nats-credentials';
import { PlainJsonRequestDeserializer } from './request.deserializer';
import { PlainJsonReplySerializer } from './reply.serializer';
import { SchedNatsServer } from './sched-nats-server';
import type { ServingGate } from './serving-gate';

/**
 * The one queue group of every request handler, whichever app hosts it. Each subject has one handler (one module),
 * so every instance that serves it, a service of its own or a standalone, shares it: with a group per app, a
 * standalone and a separate gateway on one NATS both ran every command (5 triggers made 10 executions).
 */
export const REQUEST_QUEUE_GROUP = 'sched';

/** Nest's NATS transport speaking our plain JSON contract; `appName` names the connection (`<app>:<instance>`). */
export function schedNatsTransport(config: SchedConfig, appName: string, gate?: ServingGate): MicroserviceOptions {
  return {
    strategy: new SchedNatsServer({
      servers: config.natsUrl.split(','),
      name: `${appName}:${config.instanceId}`,
      queue: REQUEST_QUEUE_GROUP,
      serializer: new PlainJsonReplySerializer(),
      deserializer: new PlainJsonRequestDeserializer(),
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      ...natsCredentialOptions(config.natsCredentials),
    }, gate),
  };
}
