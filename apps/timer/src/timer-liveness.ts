import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { NATS_CONNECTION, SCHED_CONFIG, WorkerLiveness, timerWorkerId, type SchedConfig } from '@sched/messaging';

/** The timer's entry in the worker registry, `timer:<INSTANCE_ID>` (see timerWorkerId): `schedctl import` looks there. */
@Injectable()
export class TimerLiveness extends WorkerLiveness {
  constructor(@Inject(NATS_CONNECTION) nc: NatsConnection, @Inject(SCHED_CONFIG) config: SchedConfig) {
    super(nc, timerWorkerId(config.instanceId));
  }
}
