import type { Provider } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { SchedClient } from '@sched/client';
import { NATS_CONNECTION } from '@sched/messaging';

/** The typed SDK on the process's NATS connection: the commands and queries are answered wherever their handlers run. */
export const schedClientProvider: Provider = {
  provide: SchedClient,
  useFactory: (nc: NatsConnection) => SchedClient.connect(nc),
  inject: [NATS_CONNECTION],
};
