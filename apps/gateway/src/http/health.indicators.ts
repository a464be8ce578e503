import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { NatsConnection } from '@nats-io/transport-node';
import { SchedClient } from '@sched/client';
import { MAX_PROJECTOR_LAG_SECONDS, Subjects, type ProjectorStatusView } from '@sched/contracts';
import { within, type EventStore } from '@sched/event-store';
import { EVENT_STORE, NATS_CONNECTION } from '@sched/messaging';

const CHECK_TIMEOUT_MS = 2_000;

const checked = <T>(promise: Promise<T>, what: string): Promise<T> =>
  within(promise, CHECK_TIMEOUT_MS, () => new Error(`${what}: no answer within ${CHECK_TIMEOUT_MS} ms`));

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** /health: NATS connected, the event store answering, the read models not too far behind the log. */
@Injectable()
export class HealthIndicators {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly client: SchedClient,
  ) {}

  async nats() {
    const check = this.indicators.check('nats');
    if (this.nc.isClosed()) return check.down({ message: 'connection closed' });
    try {
      return check.up({ server: this.nc.getServer(), rttMs: await checked(this.nc.rtt(), 'nats') });
    } catch (error) {
      return check.down({ message: reason(error) });
    }
  }

  async eventStore() {
    const check = this.indicators.check('eventStore');
    try {
      return check.up({ head: await checked(this.store.headPosition(), 'event store') });
    } catch (error) {
      return check.down({ message: reason(error) });
    }
  }

  /** Asked over NATS like any query: the projector may run in another process. */
  async projector() {
    const check = this.indicators.check('projector');
    try {
      const status = await this.client.request<ProjectorStatusView>(Subjects.query.projectorStatus, {}, CHECK_TIMEOUT_MS);
      const data = { ...status, maxLagSeconds: MAX_PROJECTOR_LAG_SECONDS };
      return status.lagSeconds <= MAX_PROJECTOR_LAG_SECONDS ? check.up(data) : check.down(data);
    } catch (error) {
      return check.down({ message: reason(error) });
    }
  }
}
