import { Global, Inject, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  HashChainingEventStore,
  KvSnapshotStore,
  MemoryEventStore,
  createJetStreamEventStore,
  createKurrentDbEventStore,
  reportOncePerMessage,
  type EventStore,
} from '@sched/event-store';
import type { SchedConfig } from '../config';
import { connectNats } from '../nats-connection';
import { natsCredentialOptions } from '../security/nats-credentials';
import { IdempotentCommandsInterceptor } from '../idempotency/idempotent-commands.interceptor';
import { MetricsEndpoint } from '../metrics/metrics-endpoint';
import { SchedMetrics } from '../metrics/sched-metrics';
import { EVENT_STORE, NATS_CONNECTION, SCHED_CONFIG } from '../tokens';
import { ServingGate } from './serving-gate';

async function createEventStore(config: SchedConfig, nc: NatsConnection): Promise<EventStore> {
  switch (config.eventStore) {
    case 'jetstream':
      return createJetStreamEventStore(nc, { replicas: config.replicas ?? 1, onForeignMessage: reportOncePerMessage((text) => new Logger('EventStore').error(text)) });
    case 'kurrentdb':
      // Fails start-up with a message naming the URL when the server does not answer within a few seconds. Snapshots
      // of long streams go to NATS KV, as with JetStream (they are checked against the log before use).
      return createKurrentDbEventStore(config.kurrentDbUrl, { snapshots: new KvSnapshotStore(jetstream(nc)) });
    case 'memory':
      new Logger('EventStore').warn('EVENT_STORE=memory: events live in this process only and are lost on exit');
      return new MemoryEventStore();
  }
}

class SchedCoreLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
  ) {}

  /** Runs after every service stopped in onModuleDestroy, so nothing uses the connection any more. */
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => this.nc.close());
  }
}

/** The config, the NATS connection and the event store every app shares (one of each per process). */
@Global()
@Module({})
export class SchedCoreModule {
  static forRoot(config: SchedConfig, gate = new ServingGate()): DynamicModule {
    return {
      module: SchedCoreModule,
      providers: [
        { provide: SCHED_CONFIG, useValue: config },
        // The app's NATS server serves what it does not hold (see ServingGate): shared with the services that hold.
        { provide: ServingGate, useValue: gate },
        {
          provide: NATS_CONNECTION,
          useFactory: () => connectNats(config.natsUrl, `sched:${config.instanceId}`, natsCredentialOptions(config.natsCredentials)),
        },
        {
          provide: EVENT_STORE,
          // Every writer of every app appends through the hash-chaining decorator: tamper evidence for the whole log.
          useFactory: async (nc: NatsConnection) => new HashChainingEventStore(await createEventStore(config, nc)),
          inject: [NATS_CONNECTION],
        },
        SchedCoreLifecycle,
        // Every `sched.cmd.*` handler of every app, today's and future ones, is idempotent by commandId.
        { provide: APP_INTERCEPTOR, useClass: IdempotentCommandsInterceptor },
        // One registry per process: in the standalone app every service feeds the same /metrics.
        { provide: SchedMetrics, useFactory: () => new SchedMetrics() },
        MetricsEndpoint,
      ],
      exports: [SCHED_CONFIG, NATS_CONNECTION, EVENT_STORE, SchedMetrics, MetricsEndpoint, ServingGate],
    };
  }
}
